// xterm.js under a strict Content-Security-Policy (style-src 'self', no 'unsafe-inline').
//
// xterm's DOM renderer styles the screen with <style> elements whose text it sets from script
// (theme colours, 256-colour classes, font, cell size) and with style attributes set as text
// (setAttribute("style", ...) for truecolour cells). Such a policy blocks both (an uncoloured
// screen in a proportional font, and a console full of violations). This keeps both working
// without loosening the policy, through CSSOM, which style-src does not govern:
// - a <style> element made by script is an inert hidden element whose text goes into a
//   constructed stylesheet adopted by the document;
// - a style attribute set as text is set through element.style.cssText.
// Install before xterm creates its elements.

export function installCspSafeStyles(doc = document) {
  const win = doc.defaultView;
  if (!win || !("adoptedStyleSheets" in doc) || typeof win.CSSStyleSheet !== "function") {
    return false; // an old browser: the terminal works, uncoloured
  }
  try {
    new win.CSSStyleSheet().replaceSync("");
  } catch {
    return false;
  }

  function styleStandIn(element) {
    const sheet = new win.CSSStyleSheet();
    let text = "";
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
    const accessor = {
      configurable: true,
      get() {
        return text;
      },
      set(value) {
        text = value == null ? "" : String(value);
        sheet.replaceSync(text);
      },
    };
    for (const name of ["textContent", "innerText", "innerHTML"]) {
      Object.defineProperty(element, name, accessor);
    }
    Object.defineProperty(element, "sheet", { configurable: true, get: () => sheet });
    const remove = element.remove.bind(element);
    element.remove = () => {
      doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
      remove();
    };
    element.hidden = true;
    return element;
  }

  const createElement = doc.createElement;
  doc.createElement = function (name, options) {
    if (String(name).toLowerCase() === "style") {
      return styleStandIn(createElement.call(this, "rb-style", options));
    }
    return createElement.call(this, name, options);
  };

  const setAttribute = win.Element.prototype.setAttribute;
  win.Element.prototype.setAttribute = function (name, value) {
    if (this instanceof win.HTMLElement && String(name).toLowerCase() === "style") {
      this.style.cssText = String(value);
      return;
    }
    return setAttribute.call(this, name, value);
  };
  return true;
}

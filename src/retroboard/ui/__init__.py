"""User interface: session loop, screens, menus as data, widgets and rendering."""

"""The app's views, one module each: they render data from the graph and the engine as
HTML (every text escaped) and hold no logic of their own."""

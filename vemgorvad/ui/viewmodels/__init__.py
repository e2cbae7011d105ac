"""The data behind the faces' views, computed from the knowledge graph as plain dicts.

Each module returns JSON-ready dicts and lists that a face — the Gradio app, the CLI, a
test — renders as it likes (the HTML is in :mod:`vemgorvad.ui.views`): the actor map,
the responsibility matrix, the legal table and timeline, the sources, and the reference
checker's results worded. The walks over the graph they stand on are plain functions in
:mod:`vemgorvad.graph`.
"""

"""Floor 4: questions in, answers out; joins the graph and the index."""

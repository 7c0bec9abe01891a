"""The desk's rules: plain Python over the store, with the clock passed in. Knows nothing of Textual."""

"""Feedback: complaints and suggestions logged for the client on the line, owned and answered within the inquiry
deadline (complaints)."""

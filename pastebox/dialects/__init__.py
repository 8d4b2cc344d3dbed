"""Foreign paste APIs, one module each, translating their requests onto pastebox.core."""

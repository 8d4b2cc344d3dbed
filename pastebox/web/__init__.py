"""HTTP surfaces: each a small Bottle app translating requests onto the domain core."""

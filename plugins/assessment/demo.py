"""Demo data (placeholder replaced below)."""
def load(platform, scale, rng, progress):
    return None

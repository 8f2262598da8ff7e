def load(platform, scale, rng, progress):
    return None

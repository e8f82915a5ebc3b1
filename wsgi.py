import gc

from app import create_app

app = create_app()
# Everything built at start-up lives as long as the process: move it out of the collector's
# sight, so a full collection during a request walks only that request's objects.
gc.freeze()

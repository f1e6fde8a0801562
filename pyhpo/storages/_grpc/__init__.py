"""gRPC storage proxy: a server that fronts any BaseStorage, and a caching client.

Nothing here imports ``grpc`` or ``protobuf`` at module import time, so ``import pyhpo`` works
without the ``grpc`` extra; the first use of the server or the client imports them.
"""

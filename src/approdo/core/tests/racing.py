"""Run one function in many threads released at the same instant, for the concurrency tests."""

import threading

from django.db import connections


def race(function, threads: int) -> list:
    """Call function(index) in `threads` threads started together; return results or errors."""
    barrier = threading.Barrier(threads)
    results: list = [None] * threads

    def worker(index):
        try:
            barrier.wait()
            results[index] = function(index)
        except Exception as error:  # noqa: BLE001
            results[index] = error
        finally:
            connections.close_all()  # each thread opened its own connection

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return results

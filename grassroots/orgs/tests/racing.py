"""Starting racers together: shared by the PostgreSQL races and the SQLite writers script."""

import threading


def run_in_threads(count, run, timeout):
    """Run `run(i)` for i in range(count), each in its own thread, and wait for all."""
    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)

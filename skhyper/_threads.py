"""TensorFlow's thread pools in a parallel worker: the worker's share of the cores.

joblib's loky workers and Dask's nanny-started workers cap OpenMP and BLAS
threads at the worker's share of the machine through ``OMP_NUM_THREADS``;
TensorFlow ignores that variable and sizes its pools to every core, so two
workers on two cores would each start two compute threads.  In such a worker,
before TensorFlow starts, skhyper passes the same cap to TensorFlow's own
``TF_NUM_INTRAOP_THREADS`` — unless the user set it, which is the option to
choose another size.
"""

import multiprocessing
import os
import sys


def share_cores_in_workers():
    name = multiprocessing.current_process().name
    in_worker = name.startswith("LokyProcess") or "Dask Worker" in name
    cap = os.environ.get("OMP_NUM_THREADS")
    if in_worker and cap and "tensorflow" not in sys.modules:
        os.environ.setdefault("TF_NUM_INTRAOP_THREADS", cap)

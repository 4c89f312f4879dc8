"""Running the generator and the sandbox on a Ray cluster: generation replicas and one sandbox
executor per node as Ray actors, while the run store stays on the driver."""

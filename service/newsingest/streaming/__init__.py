"""Stream-processing helpers that are independent of Faust's internals."""

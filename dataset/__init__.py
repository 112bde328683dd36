"""Data sets for Backprop from Scratch: `dataset.mnist.load_mnist`, as in the book."""

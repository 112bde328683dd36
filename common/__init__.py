"""The layer package of Backprop from Scratch, with the API of the book
"Deep Learning from Scratch": functions, gradient, layers, util, optimizer,
the networks (two_layer_net, multi_layer_net, multi_layer_net_extend,
simple_convnet) and trainer.
"""

from common.threads import limit_blas_threads as _limit_blas_threads

_limit_blas_threads()  # one BLAS thread unless the user chose a number: see common/threads.py

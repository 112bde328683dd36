"""One-call self-checks of a learner's own layers, networks, functions, optimizers and loops.

Each check runs your code on small float64 inputs chosen away from kinks and poles, at the
values where the lesson bites, compares it with the right values (the exact ones where they
are known, else the gradient check of common.gradient: numerical_gradient and
relative_error), and returns a result that displays as one line and its problems:

    PASS MyRelu: 2-D input (4, 5) and tensor input (2, 3, 4), backward run twice, ...
    FAIL MyAffine: ...
      - dW has shape (3, 6), expected (6, 3)
        hint: dW is transposed: it has the shape of W (D, M), as x.T @ dout has
    NOT DONE YET: MyAffine: MyAffine.backward still raises NotImplementedError: ...

An exception from your code never escapes a check: it is reported with the line of your
code that raised it. progress(...) lists what the checks said in this kernel.
"""
from common.selfcheck import autograd, convolution, layers, networks, values
from common.selfcheck.core import FAIL, NOT_DONE, PASS, CheckResult
from common.selfcheck.progress import graded, progress

check_mul_add = graded(layers.check_mul_add)
check_activation = graded(layers.check_activation)
check_affine = graded(layers.check_affine)
check_softmax_with_loss = graded(layers.check_softmax_with_loss)
check_conv_forward = convolution.check_conv_forward  # these three are graded in their module
check_convolution = convolution.check_convolution
check_pooling = convolution.check_pooling
check_batchnorm = graded(layers.check_batchnorm)
check_dropout = graded(layers.check_dropout)
check_values = graded(values.check_values)
check_gradient = graded(values.check_gradient)
check_network = graded(networks.check_network)
check_training = graded(networks.check_training)
check_optimizer = graded(networks.check_optimizer)
check_function = graded(autograd.check_function)

__all__ = ["CheckResult", "PASS", "FAIL", "NOT_DONE", "progress", "check_mul_add", "check_activation",
           "check_affine", "check_softmax_with_loss", "check_conv_forward", "check_convolution", "check_pooling",
           "check_batchnorm", "check_dropout", "check_values", "check_gradient", "check_network", "check_training",
           "check_optimizer", "check_function"]

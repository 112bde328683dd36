"""The book's MultiLayerNet with optional Dropout and BatchNormalization."""
import numpy as np

from common.multi_layer_net import MultiLayerNet, build


class MultiLayerNetExtend(MultiLayerNet):
    """MultiLayerNet plus, per hidden layer, BatchNorm{i} (params gamma{i}, beta{i})
    before the activation and Dropout{i} after it.

    Layer order per hidden layer: Affine, [BatchNorm], Activation_function, [Dropout].
    dropout_ration keeps the book's spelling; predict, loss and accuracy take
    train_flg (False: inference behaviour, the default).
    """

    def __init__(self, input_size, hidden_size_list, output_size, activation="relu",
                 weight_init_std="relu", weight_decay_lambda=0, use_dropout=False,
                 dropout_ration=0.5, use_batchnorm=False, *, dtype=np.float64, rng=None):
        self.use_dropout = use_dropout
        self.use_batchnorm = use_batchnorm
        build(self, input_size, hidden_size_list, output_size, activation=activation,
              weight_init_std=weight_init_std, weight_decay_lambda=weight_decay_lambda, dtype=dtype, rng=rng,
              use_batchnorm=use_batchnorm, use_dropout=use_dropout, dropout_ratio=dropout_ration)

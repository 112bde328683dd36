import pickle

import numpy as np
import pytest

from common.gradient import GRADIENT_CHECK_TOLERANCE as TOLERANCE
from common.gradient import relative_error
from common.layers import Dropout
from common.multi_layer_net import MultiLayerNet
from common.multi_layer_net_extend import MultiLayerNetExtend
from common.simple_convnet import SimpleConvNet
from common.two_layer_net import TwoLayerNet


def gradient_errors(net, x, t):
    backprop, numerical = net.gradient(x, t), net.numerical_gradient(x, t)
    assert backprop.keys() == numerical.keys() == net.params.keys()
    return backprop, numerical, {k: relative_error(backprop[k], numerical[k]) for k in backprop}


def inputs(rng, shape):
    """Inputs in [0.5, 1.5]: no tiny input makes a weight gradient vanish into round-off."""
    return 0.5 + rng.random(shape)


def test_two_layer_net_backprop_matches_numerical_gradient_as_in_the_book(rng):
    net = TwoLayerNet(input_size=30, hidden_size=10, output_size=5, rng=rng)
    x, t = inputs(rng, (3, 30)), np.eye(5)[[0, 3, 4]]
    backprop, numerical, errors = gradient_errors(net, x, t)
    for key in backprop:
        assert np.mean(np.abs(backprop[key] - numerical[key])) <= 1e-6, key  # the book's check
    assert max(errors.values()) <= TOLERANCE, errors


def test_two_layer_net_relative_error_with_larger_weights(rng):
    net = TwoLayerNet(30, 10, 5, weight_init_std=0.5, rng=rng)
    _, _, errors = gradient_errors(net, inputs(rng, (4, 30)), np.array([0, 1, 2, 4]))
    assert max(errors.values()) <= TOLERANCE, errors


@pytest.mark.parametrize("activation,init", [("relu", "he"), ("sigmoid", "xavier")])
def test_multi_layer_net_with_weight_decay(rng, activation, init):
    net = MultiLayerNet(12, [8, 6], 4, activation=activation, weight_init_std=init,
                        weight_decay_lambda=0.1, rng=rng)
    _, _, errors = gradient_errors(net, inputs(rng, (5, 12)), np.array([0, 1, 2, 3, 1]))
    assert len(errors) == 6 and max(errors.values()) <= TOLERANCE, errors


def test_multi_layer_net_extend_with_batchnorm_and_dropout(rng):
    net = MultiLayerNetExtend(12, [8, 6], 4, use_batchnorm=True, use_dropout=True,
                              dropout_ration=0.3, rng=rng)
    masks = {}
    for name, layer in net.layers.items():  # one fixed mask per Dropout layer
        if isinstance(layer, Dropout):
            def forward(x, train_flg=True, layer=layer, name=name):
                if name not in masks:
                    masks[name] = rng.random(x.shape) > 0.3
                layer.mask = masks[name]
                return x * layer.mask if train_flg else x * 0.7
            layer.forward = forward
    backprop, _, errors = gradient_errors(net, inputs(rng, (5, 12)), np.array([0, 1, 2, 3, 1]))
    assert set(masks) == {"Dropout1", "Dropout2"}
    # A bias right before BatchNormalization is subtracted out again: its true gradient is 0,
    # so a relative error is meaningless there; check that backprop gives (almost) exactly 0.
    for key in ("b1", "b2"):
        assert np.max(np.abs(backprop[key])) < 1e-12
        errors.pop(key)
    assert len(errors) == 8 and max(errors.values()) <= TOLERANCE, errors


def test_simple_convnet(rng):
    net = SimpleConvNet((1, 8, 8), {"filter_num": 3, "filter_size": 3, "pad": 1, "stride": 1},
                        hidden_size=6, output_size=4, weight_init_std=0.3, rng=rng)
    x = np.abs(rng.standard_normal((2, 1, 8, 8))) + 0.1
    _, _, errors = gradient_errors(net, x, np.array([1, 3]))
    assert len(errors) == 6 and max(errors.values()) <= TOLERANCE, errors


def test_book_script_runs_unchanged():
    # The book's ch05/train_neuralnet.py, with only the import path changed.
    from common.two_layer_net import TwoLayerNet as BookNet
    np.random.seed(0)
    network = BookNet(input_size=784, hidden_size=50, output_size=10)
    x_batch, t_batch = np.random.rand(100, 784), np.eye(10)[np.random.randint(0, 10, 100)]
    grad = network.gradient(x_batch, t_batch)
    for key in ("W1", "b1", "W2", "b2"):
        network.params[key] -= 0.1 * grad[key]
    assert list(network.layers) == ["Affine1", "Relu1", "Affine2"]
    assert np.isfinite(network.loss(x_batch, t_batch))
    assert 0 <= network.accuracy(x_batch, t_batch) <= 1


def test_networks_build_in_float32(rng):
    x, t = rng.random((4, 1, 8, 8)), np.array([0, 1, 2, 3])
    nets = [TwoLayerNet(64, 5, 4, dtype=np.float32), MultiLayerNet(64, [5], 4, dtype=np.float32),
            MultiLayerNetExtend(64, [5], 4, use_batchnorm=True, use_dropout=True, dtype=np.float32),
            SimpleConvNet((1, 8, 8), {"filter_num": 2, "filter_size": 3, "pad": 0, "stride": 1},
                          hidden_size=5, output_size=4, dtype=np.float32)]
    for net in nets:
        flat = x if isinstance(net, SimpleConvNet) else x.reshape(4, -1)
        assert net.predict(flat).dtype == np.float32
        grads = net.gradient(flat, t)
        assert all(g.dtype == np.float32 for g in grads.values()), type(net).__name__
        assert all(p.dtype == np.float32 for p in net.params.values())


def test_training_lowers_the_loss(rng):
    net = TwoLayerNet(20, 16, 3, weight_init_std=0.1, rng=rng)
    x = rng.standard_normal((60, 20))
    t = np.argmax(x[:, :3], axis=1)  # a learnable rule
    first = net.loss(x, t)
    for _ in range(200):
        grads = net.gradient(x, t)
        for key in net.params:
            net.params[key] -= 0.5 * grads[key]
    assert net.loss(x, t) < first / 3 and net.accuracy(x, t) > 0.9
    assert net.accuracy(x, np.eye(3)[t]) == net.accuracy(x, t, batch_size=7)


def test_accuracy_in_batches_is_the_whole_batch_accuracy(rng):
    net = TwoLayerNet(20, 16, 3, weight_init_std=1.0, rng=rng)
    x, t = rng.standard_normal((50, 20)), rng.integers(0, 3, 50)
    whole = np.mean(net.predict(x).argmax(axis=1) == t)
    assert net.accuracy(x, t) == whole
    net.eval_batch_size = 7  # 50 rows: seven batches of 7 and one of 1
    assert net.accuracy(x, t) == whole == net.accuracy(x, t, batch_size=50)


@pytest.mark.parametrize("batch_size", [0, -5, 2.5])
def test_accuracy_rejects_a_bad_batch_size(batch_size, rng):
    net = TwoLayerNet(4, 3, 2, rng=rng)
    with pytest.raises(ValueError, match="batch_size to be a positive integer"):
        net.accuracy(np.ones((3, 4)), [0, 1, 0], batch_size=batch_size)


def test_accuracy_rejects_no_samples(rng):
    with pytest.raises(ValueError, match="at least one sample"):
        TwoLayerNet(4, 3, 2, rng=rng).accuracy(np.ones((0, 4)), [])


CONV = {"filter_num": 2, "filter_size": 3, "pad": 0, "stride": 1}


@pytest.mark.parametrize("name", ["params.npz", "params.pkl"])
def test_simple_convnet_saves_and_loads(tmp_path, rng, name):
    a = SimpleConvNet((1, 8, 8), CONV, hidden_size=5, output_size=3, rng=rng)
    b = SimpleConvNet((1, 8, 8), CONV, hidden_size=5, output_size=3, rng=rng)
    path = tmp_path / name
    a.save_params(path)
    b.load_params(path)
    x = rng.random((2, 1, 8, 8))
    np.testing.assert_array_equal(a.predict(x), b.predict(x))
    if name.endswith(".npz"):
        with np.load(path, allow_pickle=False) as saved:  # a plain .npz archive
            assert set(saved.files) == set(a.params)
    else:
        with open(path, "rb") as f:  # the book's format: our own file, so plain pickle is safe here
            assert pickle.load(f).keys() == a.params.keys()


def test_simple_convnet_load_params_checks_everything_before_changing_anything(tmp_path, rng):
    net = SimpleConvNet((1, 8, 8), CONV, hidden_size=5, output_size=3, rng=rng)
    before = {key: value.copy() for key, value in net.params.items()}
    good = {key: value + 1 for key, value in net.params.items()}
    cases = {
        "wrong_shape": ({**good, "W3": np.zeros((6, 3))}, r"parameter W3 has shape \(6, 3\), this network needs \(5, 3\)"),
        "missing": ({k: v for k, v in good.items() if k != "b3"}, r"has parameters \['W1', 'W2', 'W3', 'b1', 'b2'\], this network needs"),
        "extra": ({**good, "W4": np.zeros(2)}, r"has parameters \['W1', 'W2', 'W3', 'W4', 'b1', 'b2', 'b3'\]"),
    }
    for name, (params, message) in cases.items():
        path = tmp_path / f"{name}.npz"
        np.savez(path, **params)
        with pytest.raises(ValueError, match=message):
            net.load_params(path)
        for key, value in net.params.items():  # W1, b1, W2, b2 were not overwritten
            np.testing.assert_array_equal(value, before[key], err_msg=f"{name}: {key} changed")


def test_bad_network_options_are_named():
    with pytest.raises(ValueError, match="unknown activation 'tanh'"):
        MultiLayerNet(4, [3], 2, activation="tanh")
    with pytest.raises(ValueError, match="unknown weight_init_std 'glorot'"):
        MultiLayerNet(4, [3], 2, weight_init_std="glorot")
    with pytest.raises(ValueError, match=r"expected input of shape \(N, 784\)"):
        TwoLayerNet(784, 5, 10).predict(np.zeros((2, 783)))


# --- issue 17: accuracy needs targets that fit and finite scores; sizes must be sizes ---------

@pytest.mark.parametrize("t,message", [
    (np.array([3]), r"accuracy expected targets of shape \(100,\) \(labels\) or \(100, 10\) \(one-hot\) "
                    r"for scores of shape \(100, 10\), got shape \(1,\)"),
    (np.full(100, 10), r"accuracy expected labels in 0..9 for 10 classes, got values from 10 to 10"),
    (np.full(100, -1), r"accuracy expected labels in 0..9 for 10 classes, got values from -1 to -1"),
    (np.eye(9)[np.zeros(100, dtype=int)], r"got shape \(100, 9\)"),
    (np.zeros(100), r"accuracy expected integer labels, got dtype float64"),
])
def test_accuracy_rejects_targets_that_do_not_fit(rng, t, message):
    net = TwoLayerNet(784, 5, 10, rng=rng)
    with pytest.raises(ValueError, match=message):
        net.accuracy(rng.random((100, 784)), t)


def test_accuracy_takes_labels_of_shape_n_1(rng):
    net = TwoLayerNet(4, 3, 2, rng=rng)
    x, t = rng.random((6, 4)), rng.integers(0, 2, 6)
    assert net.accuracy(x, t.reshape(6, 1)) == net.accuracy(x, t)


def test_a_network_with_nan_weights_counts_every_sample_wrong_with_a_warning(rng):
    net = TwoLayerNet(784, 5, 10, rng=rng)
    net.params["W2"][...] = np.nan
    with pytest.warns(RuntimeWarning, match="not finite .* for 100 of 100 samples, counted as wrong"):
        assert net.accuracy(rng.random((100, 784)), np.zeros(100, dtype=int)) == 0.0  # argmax of NaN is 0: 1.0 before


def test_only_the_samples_with_broken_scores_count_wrong(rng):
    net = TwoLayerNet(4, 3, 2, rng=rng)
    x = rng.random((6, 4))
    t = net.predict(x).argmax(axis=1)
    x[[1, 4], 0] = np.nan
    with pytest.warns(RuntimeWarning, match="for 2 of 6 samples"):
        assert net.accuracy(x, t, batch_size=4) == 4 / 6


def test_the_books_batch_norm_comparison_with_a_diverging_network_runs(rng):
    """ch06/batch_norm_test.py trains without batch norm at weight scale 1 and plots its accuracy."""
    net = MultiLayerNetExtend(784, [100] * 5, 10, weight_init_std=1.0, rng=rng)
    x, t = rng.random((100, 784)), rng.integers(0, 10, 100)
    with np.errstate(all="ignore"):  # NumPy's overflow warnings, as the book's run prints them
        for _ in range(3):
            grads = net.gradient(x, t)
            for key in grads:
                net.params[key] -= 1e30 * grads[key]  # a step that drives the scores to NaN
        with pytest.warns(RuntimeWarning, match="counted as wrong"):
            assert 0.0 <= net.accuracy(x, t) <= 1.0


@pytest.mark.parametrize("make,message", [
    (lambda: TwoLayerNet(784, 0, 10), r"TwoLayerNet expected hidden_size to be an integer >= 1, got 0"),
    (lambda: TwoLayerNet(784, 2.5, 10), r"TwoLayerNet expected hidden_size to be an integer >= 1, got 2.5"),
    (lambda: MultiLayerNet(784, [100, 0], 10), r"MultiLayerNet expected every size in hidden_size_list to be an integer >= 1, got 0"),
    (lambda: MultiLayerNetExtend(0, [10], 10), r"MultiLayerNetExtend expected input_size to be an integer >= 1, got 0"),
    (lambda: MultiLayerNetExtend(4, [10], 3, use_dropout=True, dropout_ration=1.5), r"dropout_ratio in \[0, 1\)"),
    (lambda: SimpleConvNet(hidden_size=0), r"SimpleConvNet expected hidden_size to be an integer >= 1, got 0"),
    (lambda: SimpleConvNet(conv_param={"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 0}),
     r"SimpleConvNet expected stride to be an integer >= 1, got 0"),
    (lambda: SimpleConvNet(conv_param={"filter_num": 30, "filter_size": 5, "pad": -1, "stride": 1}),
     r"SimpleConvNet expected pad to be an integer >= 0, got -1"),
])
def test_bad_sizes_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()

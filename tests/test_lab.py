"""The training lab, driven through its Python API on a small synthetic problem."""
import time
import warnings

import numpy as np
import pytest

from common.lab import Settings, TrainingLab


@pytest.fixture
def lab():
    rng = np.random.default_rng(0)
    patterns = (rng.random((10, 784)) < 0.15).astype(np.float32)  # one sparse "digit" per class

    def sample(n):
        labels = rng.integers(0, 10, n)
        return np.clip(patterns[labels] + 0.1 * rng.standard_normal((n, 784)), 0, 1).astype(np.float32), labels
    (x_train, t_train), (x_test, t_test) = sample(500), sample(200)
    lab = TrainingLab(x_train, np.eye(10)[t_train], x_test, t_test, eval_size=100)
    lab.set(subset=500, epochs=2, batch_size=50, hidden_size=20)
    yield lab
    lab.stop()


def test_a_short_run_records_its_history(lab):
    run = lab.train()
    assert lab.wait() is run and not lab.running
    assert run.status == "finished" and len(run.losses) == run.settings.iterations == 20
    assert run.evals[0][0] == 0 and run.evals[-1][0] == 19
    assert run.test_accuracy > 0.8 and run.predictions.shape == (200,)
    history = lab.history()
    assert history[0]["settings"]["hidden_size"] == 20 and history[0]["status"] == "finished"
    assert "finished after 20 of 20 iterations" in run.summary()


def test_stop_ends_a_run(lab):
    lab.set(epochs=100)
    run = lab.train()
    while not run.losses:
        pass
    lab.stop()
    assert run.status == "stopped" and len(run.losses) < run.settings.iterations
    assert run.message.startswith("stopped at iteration")


def test_divergence_is_caught_and_reported_without_warnings(lab):
    lab.set(lr=10, optimizer="Adam")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = lab.train()
        lab.wait()
    assert run.status == "diverged", run.summary()
    assert "diverged at iteration" in run.message and "lower the learning rate" in run.message
    assert caught == []


def test_a_second_train_during_a_run_starts_nothing(lab):
    lab.set(epochs=100)
    first = lab.train()
    assert lab.train() is None
    assert "already in progress" in lab.notice
    lab.stop()
    assert lab.runs == [first]


def test_a_change_during_a_run_applies_to_the_next_run(lab):
    lab.set(epochs=100)
    first = lab.train()
    lab.set(hidden_size=7)
    assert "apply to the next run" in lab.notice
    assert first.settings.hidden_size == 20
    lab.stop()
    lab.set(epochs=1)
    second = lab.train()
    lab.wait()
    assert second.settings.hidden_size == 7 and second.network.params["W1"].shape == (784, 7)


def test_reset_clears_the_comparison(lab):
    lab.train()
    lab.wait()
    lab.train()
    lab.wait()
    assert [r.number for r in lab.runs] == [1, 2]
    lab.reset()
    assert lab.runs == [] and lab.history() == []
    assert lab.train().number == 1


def test_bad_settings_are_named(lab):
    with pytest.raises(ValueError, match=r"lr=20 \(use 1e-4 to 10\)"):
        lab.set(lr=20)
    with pytest.raises(ValueError, match=r"subset=9999 \(use 1 to 500"):
        lab.set(subset=9999)
    with pytest.raises(ValueError, match=r"optimizer='Adamax' \(use one of SGD, Momentum, AdaGrad, Adam\)"):
        lab.set(optimizer="Adamax")
    with pytest.raises(ValueError, match="unknown lab setting learning_rate"):
        lab.set(learning_rate=0.1)
    assert lab.settings.lr == 0.1  # nothing changed


def test_a_failing_run_says_why(lab, monkeypatch):
    import common.lab

    def broken(*args, **kwargs):
        raise MemoryError("no room")
    monkeypatch.setattr(common.lab, "MultiLayerNet", broken)
    run = lab.train()
    lab.wait()
    assert run.status == "failed" and "MemoryError: no room" in run.message


def test_images_of_the_wrong_shape_are_refused_with_advice():
    with pytest.raises(ValueError, match=r"x_train must have shape \(N, 784\), got \(5, 1, 28, 28\): load it with load_mnist\(flatten=True\)"):
        TrainingLab(np.zeros((5, 1, 28, 28)), np.zeros(5, int), np.zeros((2, 784)), np.zeros(2, int))
    with pytest.raises(ValueError, match="images and labels differ in number: 5 and 4 for training"):
        TrainingLab(np.zeros((5, 784)), np.zeros(4, int), np.zeros((2, 784)), np.zeros(2, int))


def test_every_setting_has_a_range_check():
    Settings().check(60000)
    for field, bad in (("hidden_size", 0), ("batch_size", 1001), ("epochs", 0), ("activation", "tanh"),
                       ("weight_init", "LeCun")):
        with pytest.raises(ValueError, match=field):
            Settings(**{field: bad}).check(60000)


# --- the widgets --------------------------------------------------------------------------

def test_view_and_settings_stay_in_step(lab):
    view = lab.view()
    lab.set(lr=0.5, optimizer="Adam")
    assert view.controls["lr"].value == 0.5 and view.controls["optimizer"].value == "Adam"
    view.controls["hidden_size"].value = 33
    assert lab.settings.hidden_size == 33
    view.controls["batch_size"].value = 200
    assert lab.settings.batch_size == 200


def test_an_off_grid_value_shows_as_the_nearest_option_and_stays_exact(lab):
    view = lab.view()
    lab.set(lr=0.3, epochs=1.2)
    assert view.controls["lr"].value == 0.2 and view.controls["epochs"].value == 1.0
    assert lab.settings.lr == 0.3 and lab.settings.epochs == 1.2  # the slider did not write back



def test_sliders_offer_only_valid_values(lab):
    view = lab.view()
    assert view.controls["subset"].options == (100, 200, 500)  # capped at the 500 training images
    for name, value in (("lr", 10.0), ("batch_size", 1000), ("epochs", 20.0), ("subset", 500)):
        view.controls[name].value = value
        assert getattr(lab.settings, name) == value

def test_train_button_runs_and_draws(lab):
    view = lab.view()
    view.buttons["Train"].click()
    run = lab.wait()
    assert run.status == "finished"
    assert view.redraws >= 2 and view.curves.value[:4] == b"\x89PNG"
    assert view.results.value[:4] == b"\x89PNG" and view.results.layout.display == ""
    assert view.progress.value == view.progress.max == run.settings.iterations
    assert "finished" in view.status.value


def test_divergence_shows_in_the_status(lab):
    view = lab.view()
    lab.set(lr=10, optimizer="Adam")
    lab.train()
    lab.wait()
    assert "diverged at iteration" in view.status.value


def test_reset_button_clears_the_plot(lab):
    view = lab.view()
    lab.train()
    lab.wait()
    view.buttons["Reset"].click()  # resets in a thread of its own, so that the kernel stays free
    for _ in range(500):
        if not lab.runs and view.results.layout.display == "none":
            break
        time.sleep(0.01)
    assert lab.runs == [] and view.results.layout.display == "none"


def test_nan_and_inf_count_as_divergence():
    from common.lab import Run
    run = Run(1, Settings())
    run.losses = [2.3]
    finite = {"W1": np.ones(3)}
    assert TrainingLab._diverged(run, float("nan"), finite)
    assert TrainingLab._diverged(run, 1.0, {"W1": np.array([1.0, np.inf])})
    assert TrainingLab._diverged(run, 24.0, finite) and not TrainingLab._diverged(run, 22.0, finite)

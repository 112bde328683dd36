"""The training lab, driven through its Python API on a small synthetic problem."""
import struct
import threading
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
    view.controls["hidden_size"].value = 30
    assert lab.settings.hidden_size == 30 and type(lab.settings.hidden_size) is int
    view.controls["batch_size"].value = 200
    assert lab.settings.batch_size == 200


def test_an_off_grid_value_shows_as_the_nearest_option_and_stays_exact(lab):
    view = lab.view()
    lab.set(lr=0.7, epochs=1.2, hidden_size=40)
    assert view.controls["lr"].value == 0.5 and view.controls["epochs"].value == 1.0
    assert view.controls["hidden_size"].value == 50
    assert lab.settings.lr == 0.7 and lab.settings.epochs == 1.2  # the slider did not write back
    assert lab.settings.hidden_size == 40


def test_sliders_offer_only_valid_values(lab):
    view = lab.view()
    assert [v for _, v in view.controls["subset"].options] == [100, 200, 500]  # capped at the 500 images
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


def test_slider_options_are_labelled_exactly_and_include_the_suggested_values(lab):
    view = lab.view()
    lrs = dict(view.controls["lr"].options)
    assert lrs["3"] == 3.0 and lrs["0.3"] == 0.3 and lrs["0.001"] == 0.001 and lrs["10"] == 10.0
    assert [v for _, v in view.controls["hidden_size"].options] == [1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300,
                                                                    500, 1000]
    view.controls["lr"].value = 3.0
    assert lab.settings.lr == 3.0


# --- one run at a time, from any thread ---------------------------------------------------

def lab_threads():
    return [t for t in threading.enumerate() if t.name.startswith("lab-run-")]


def test_trains_at_once_start_one_run_and_stop_waits_for_it(lab):
    """Before the lock, two threads behind a barrier both started a run in 6 of 20 trials."""
    lab.set(epochs=100)
    for trial in range(40):
        barrier = threading.Barrier(3)
        started = []

        def press(barrier=barrier, started=started):
            barrier.wait(timeout=5)
            started.append(lab.train())
        threads = [threading.Thread(target=press) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=10)
        assert len(started) == 3 and sum(run is not None for run in started) == 1, f"trial {trial}"
        lab.stop()
        assert not lab.running and lab_threads() == [], f"trial {trial}"
        assert lab.runs[-1].status == "stopped"
    assert [r.number for r in lab.runs] == list(range(1, 41))


def test_stop_and_train_at_once_leave_no_run_behind(lab):
    lab.set(epochs=100)
    for trial in range(20):
        lab.train()
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=lambda f=f, b=barrier: (b.wait(timeout=5), f()))
                   for f in (lab.stop, lab.train)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=10)
        lab.stop()
        assert not lab.running and lab_threads() == [], f"trial {trial}"
        assert all(r.status != "running" for r in lab.runs)


def test_a_listener_can_stop_the_run_and_start_the_next(lab):
    lab.set(epochs=100)
    seen = []

    def listener(lab, run):
        if run is not None and len(run.losses) == 3 and run.number == 1 and not seen:
            seen.append(run.number)
            lab.stop()    # from the training thread: must not try to join itself
            lab.wait()    # nor here
            lab.set(epochs=1)
            seen.append(lab.train())  # starts while run 1 is ending
    lab.listeners.append(listener)
    first = lab.train()
    deadline = time.monotonic() + 30
    while len(seen) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    lab.wait(timeout=30)
    assert first.status == "stopped" and first.message == "stopped at iteration 3", first.summary()
    second = seen[1]
    assert second is not None and second.number == 2 and second.status == "finished"
    assert not lab.running


# --- settings of the wrong type -----------------------------------------------------------

@pytest.mark.parametrize("name, value", [
    ("hidden_size", 2.5), ("batch_size", 50.5), ("subset", 100.5), ("hidden_size", True), ("hidden_size", 50.0),
    ("hidden_size", "50"), ("lr", "0.1"), ("lr", None), ("lr", True), ("epochs", "2"), ("epochs", None),
    ("subset", np.bool_(True)),
])
def test_a_setting_of_the_wrong_type_is_refused_naming_it(lab, name, value):
    before = lab.settings
    with pytest.raises(TypeError, match=rf"bad lab setting: {name}="):
        lab.set(**{name: value})
    assert lab.settings is before


def test_numpy_numbers_are_accepted_as_plain_numbers(lab):
    lab.set(hidden_size=np.int64(30), lr=np.float32(0.5), epochs=1)
    assert type(lab.settings.hidden_size) is int and type(lab.settings.lr) is float
    assert lab.settings.lr == 0.5
    with pytest.raises(TypeError, match="hidden_size"):
        Settings(hidden_size=2.5).check(60000)


def test_the_view_shows_a_wrong_type_instead_of_raising(lab):
    view = lab.view()
    view._on_control({"owner": view.controls["lr"], "new": "fast"})
    assert "lr=&#x27;fast&#x27;" in view.status.value and lab.settings.lr == 0.1


# --- images the lab cannot use ------------------------------------------------------------

def test_no_images_are_refused_naming_the_set():
    with pytest.raises(ValueError, match="x_test holds no images"):
        TrainingLab(np.zeros((5, 784)), np.zeros(5, int), np.zeros((0, 784)), np.zeros(0, int))
    with pytest.raises(ValueError, match="x_train holds no images"):
        TrainingLab(np.zeros((0, 784)), np.zeros(0, int), np.zeros((2, 784)), np.zeros(2, int))


def test_unscaled_uint8_images_are_refused_with_the_cause():
    x = np.full((5, 784), 255, dtype=np.uint8)
    with pytest.raises(ValueError, match=r"x_train holds uint8 pixels 255..255: the lab expects them scaled to "
                                         r"0..1, as load_mnist\(normalize=True\) gives \(or x / 255\)"):
        TrainingLab(x, np.zeros(5, int), np.zeros((2, 784)), np.zeros(2, int))
    TrainingLab((x > 0).astype(np.uint8), np.zeros(5, int), np.zeros((2, 784)), np.zeros(2, int))  # 0/1 is fine


def test_a_run_on_unscaled_float_images_names_the_cause(lab):
    unscaled = TrainingLab(lab.x_train * 255, lab.t_train, lab.x_test * 255, lab.t_test, eval_size=100)
    unscaled.set(subset=500, epochs=2, batch_size=50, hidden_size=20)
    run = unscaled.train()
    unscaled.wait(timeout=30)
    assert run.status == "diverged", run.summary()
    assert "the training images range 0..255, not 0..1: scale them" in run.message
    assert "lower the learning rate (now" not in run.message


# --- the buttons --------------------------------------------------------------------------

@pytest.fixture
def quick_drawing(monkeypatch):
    """The button tests are about order, not pictures: a curve image that takes no time."""
    import common.lab_view
    monkeypatch.setattr(common.lab_view, "draw_curves", lambda runs: b"\x89PNG")


def test_train_right_after_stop_starts_a_run(lab, quick_drawing):
    view = lab.view()
    lab.set(epochs=100)
    for trial in range(10):
        view.buttons["Train"].click()
        running = lab.runs[-1]
        while not running.losses:
            time.sleep(0.001)
        view.buttons["Stop"].click()
        view.buttons["Train"].click()
        assert lab.runs[-1] is not running and lab.runs[-1].status == "running", f"trial {trial}: {lab.notice}"
        assert running.status == "stopped" and "already in progress" not in view.status.value
        lab.stop()
    assert len(lab.runs) == 20


def test_train_right_after_reset_starts_a_run_that_stays(lab, quick_drawing):
    view = lab.view()
    lab.set(epochs=100)
    for trial in range(10):
        view.buttons["Train"].click()
        while not lab.runs[-1].losses:
            time.sleep(0.001)
        view.buttons["Reset"].click()
        view.buttons["Train"].click()
        assert [r.number for r in lab.runs] == [1] and lab.runs[0].status == "running", f"trial {trial}"
        lab.stop()
        assert [r.number for r in lab.runs] == [1] and "&#9632; 1" in view.table.value


# --- what the view shows ------------------------------------------------------------------

def test_after_a_diverged_run_a_settings_change_reads_ready_to_train(lab):
    view = lab.view()
    lab.set(lr=10, optimizer="Adam")
    lab.train()
    lab.wait()
    assert "diverged at iteration" in view.status.value
    lab.set(lr=0.1, optimizer="SGD")
    assert view.status.value.startswith("<b>Ready to train</b>: press Train for run 2 with SGD lr=0.1")
    assert "diverged at iteration" in view.table.value  # the run's outcome stays, beside its settings


def test_a_new_run_clears_the_older_runs_results(lab):
    view = lab.view()
    lab.train()
    lab.wait()
    assert view.results.layout.display == "" and view.results_run is lab.runs[0]
    lab.set(epochs=100)
    run = lab.train()
    while not run.losses:
        time.sleep(0.001)
    assert view.results.layout.display == "none" and view.results.value == b""
    lab.stop()


def png_size(data):
    return struct.unpack(">II", data[16:24])


def test_the_curves_keep_their_size_and_show_divergence(lab):
    from common.lab import Run
    from common.lab_view import draw_curves
    runs = []
    for k in range(12):
        run = Run(k + 1, lab.settings)
        run.losses = [2.3, 2.0, 1.5, 3e-5]
        run.evals = [(0, 0.1, 0.1), (3, 0.9, 0.8)]
        if k % 3 == 1:
            run.status, run.diverged_at, run.diverged_loss = "diverged", 4, [40.0, 1e6, float("inf")][k % 4 % 3]
        runs.append(run)
    sizes = {png_size(draw_curves(runs[:n])) for n in (0, 1, 2, 12)}
    assert len(sizes) == 1, sizes


def test_a_diverged_run_keeps_where_it_diverged(lab):
    lab.set(lr=10, optimizer="Adam")
    run = lab.train()
    lab.wait()
    assert run.diverged_at == len(run.losses) and run.diverged_loss > 10 * run.losses[0]


def test_run_numbers_at_curve_ends_are_spread_apart():
    from common.lab_view import spread
    heights = spread([0.88, 0.878, 0.41, 0.995], gap=0.075, low=0.0, high=1.0)
    assert np.all(np.diff(np.sort(heights)) >= 0.075 - 1e-12)   # no two labels overlap
    assert heights.max() <= 1.0 and heights.min() >= 0.0          # all inside the axis
    assert np.argsort(heights).tolist() == [2, 1, 0, 3]           # in the order of the curves
    assert heights[2] == 0.41                                     # a label with room stays at its curve
    assert spread([], 0.1, 0, 1).size == 0


def test_the_lab_displays_as_its_widget_with_a_readable_text_fallback(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append((obj, raw)))
    rng = np.random.default_rng(0)
    x, t = rng.random((40, 784), dtype=np.float32), rng.integers(0, 10, 40)
    lab = TrainingLab(x, t, x, t, eval_size=20)
    lab._ipython_display_()
    (bundle, raw), = shown
    assert raw and bundle["text/plain"] == TrainingLab.PLACEHOLDER
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == lab.view().widget.model_id

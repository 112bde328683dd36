"""The training lab, driven through its Python API on a small synthetic problem."""
import json
import struct
import subprocess
import sys
import threading
import time
import warnings

import ipywidgets as w
import numpy as np
import pytest
from ipywidgets.widgets.widget_description import DescriptionWidget

from common.lab import ListenerError, Run, Settings, TrainingLab
from common.lab_view import INACTIVE, PLACEHOLDER, LabView


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
        time.sleep(0.001)
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
    with pytest.raises(ValueError, match=r"optimizer='Adamax' \(use one of 'SGD', 'Momentum', 'AdaGrad', 'Adam'\)"):
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
    with pytest.raises(ValueError, match=r"x_train must have shape \(N, 784\) \(or \(N, 28, 28\), \(N, 1, 28, 28\)\), "
                                         r"got \(5, 2, 28, 28\): load it with load_mnist\(flatten=True\)"):
        TrainingLab(np.zeros((5, 2, 28, 28)), np.zeros(5, int), np.zeros((2, 784)), np.zeros(2, int))
    for shape in ((5, 28), (5,), (5, 784, 1)):
        with pytest.raises(ValueError, match=rf"x_test must have shape .* got \({shape[0]},"):
            TrainingLab(np.zeros((5, 784)), np.zeros(5, int), np.zeros(shape), np.zeros(5, int))


def test_images_and_labels_of_different_lengths_are_named():
    with pytest.raises(ValueError, match="x_train has 5 images but t_train has 4 labels: pass one label per image"):
        TrainingLab(np.zeros((5, 784)), np.zeros(4, int), np.zeros((2, 784)), np.zeros(2, int))
    with pytest.raises(ValueError, match="x_test has 2 images but t_test has 3 labels"):
        TrainingLab(np.zeros((5, 784)), np.zeros(5, int), np.zeros((2, 784)), np.eye(10)[[1, 2, 3]])


def test_every_setting_is_checked_when_made():
    assert Settings() == Settings(lr=0.1)
    for field, bad in (("hidden_size", 0), ("batch_size", 1001), ("epochs", 0), ("activation", "tanh"),
                       ("weight_init", "LeCun"), ("subset", 0), ("lr", 1e-5)):
        with pytest.raises(ValueError, match=f"bad lab setting: {field}="):
            Settings(**{field: bad})


def test_set_checks_once_and_train_does_not_check_again(lab, monkeypatch):
    checks = []
    real = Settings.__post_init__
    monkeypatch.setattr(Settings, "__post_init__", lambda self: (checks.append(self), real(self)))
    lab.set(lr=0.5, hidden_size=30)
    assert len(checks) == 1
    run = lab.train()
    lab.wait()
    assert len(checks) == 1 and run.settings is lab.settings is checks[0]


# --- the widgets --------------------------------------------------------------------------

def test_view_and_settings_stay_in_step(lab):
    view = LabView(lab)
    lab.set(lr=0.5, optimizer="Adam")
    assert view.controls["lr"].value == 0.5 and view.controls["optimizer"].value == "Adam"
    view.controls["hidden_size"].value = 30
    assert lab.settings.hidden_size == 30 and type(lab.settings.hidden_size) is int
    view.controls["batch_size"].value = 200
    assert lab.settings.batch_size == 200


def test_an_off_grid_value_shows_as_the_nearest_option_and_stays_exact(lab):
    view = LabView(lab)
    lab.set(lr=0.7, epochs=1.2, hidden_size=40)
    assert view.controls["lr"].value == 0.5 and view.controls["epochs"].value == 1.0
    assert view.controls["hidden_size"].value == 50
    assert lab.settings.lr == 0.7 and lab.settings.epochs == 1.2  # the slider did not write back
    assert lab.settings.hidden_size == 40


def test_sliders_offer_only_valid_values(lab):
    view = LabView(lab)
    assert [v for _, v in view.controls["subset"].options] == [100, 200, 500]  # capped at the 500 images
    for name, value in (("lr", 10.0), ("batch_size", 1000), ("epochs", 20.0), ("subset", 500)):
        view.controls[name].value = value
        assert getattr(lab.settings, name) == value

def test_train_button_runs_and_draws(lab):
    view = LabView(lab)
    view.buttons["Train"].click()
    run = lab.wait()
    assert run.status == "finished"
    assert view.redraws >= 2 and view.curves.value[:4] == b"\x89PNG"
    assert view.results.value[:4] == b"\x89PNG" and view.results.layout.display == ""
    assert view.progress.value == view.progress.max == run.settings.iterations
    assert "finished" in view.status.value


def test_divergence_shows_in_the_status(lab):
    view = LabView(lab)
    lab.set(lr=10, optimizer="Adam")
    lab.train()
    lab.wait()
    assert "diverged at iteration" in view.status.value


def test_reset_button_clears_the_plot(lab):
    view = LabView(lab)
    lab.train()
    lab.wait()
    assert view.results.layout.display == ""
    view.buttons["Reset"].click()  # in the kernel's thread, as a front end's click is
    assert lab.runs == [] and view.results.layout.display == "none" and view.table.value == ""


def test_nan_and_inf_count_as_divergence():
    run = Run(1, Settings())
    run.losses = [2.3]
    assert TrainingLab._diverged(run, float("nan")) and TrainingLab._diverged(run, float("inf"))
    assert TrainingLab._diverged(run, 24.0) and not TrainingLab._diverged(run, 22.0)
    assert not TrainingLab._finite({"W1": np.array([1.0, np.inf])}) and TrainingLab._finite({"W1": np.ones(3)})


def poison_step(monkeypatch, at):
    """common.lab's step, but the step numbered at (0-based) leaves a NaN in W2, as NaN
    gradients would: returns the list of losses the steps returned."""
    import common.lab
    real, losses = common.lab.step, []

    def step(net, optimizer, x, t):
        loss = real(net, optimizer, x, t)
        if len(losses) == at:
            net.params["W2"][0, 0] = np.nan
        losses.append(loss)
        return loss
    monkeypatch.setattr(common.lab, "step", step)
    return losses


def test_a_step_that_makes_weights_nan_ends_the_run_at_the_next_loss(lab, monkeypatch):
    poison_step(monkeypatch, at=5)
    run = lab.train()
    lab.wait()
    assert run.status == "diverged" and run.diverged_at == 6 == len(run.losses), run.summary()
    assert np.isnan(run.diverged_loss) and "diverged at iteration 6 (loss nan)" in run.message


def test_a_last_step_that_makes_weights_nan_is_no_finished_run(lab, monkeypatch):
    poison_step(monkeypatch, at=lab.settings.iterations - 1)
    run = lab.train()
    lab.wait()
    assert run.status == "diverged" and run.diverged_at == run.settings.iterations == len(run.losses)
    assert "the last step made weights NaN or infinite" in run.message and run.test_accuracy is None


def test_the_lab_trains_through_common_training_step(lab, monkeypatch):
    losses = poison_step(monkeypatch, at=-1)  # never poisons: records what step() returned
    run = lab.train()
    lab.wait()
    assert run.status == "finished" and run.losses == losses and len(losses) == run.settings.iterations


def test_slider_options_are_labelled_exactly_and_include_the_suggested_values(lab):
    view = LabView(lab)
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
    lab.set(hidden_size=np.int64(30), lr=np.float32(0.5), epochs=np.float64(1), batch_size=np.uint16(20),
            optimizer=np.str_("Adam"))
    s = lab.settings
    assert (type(s.hidden_size), type(s.lr), type(s.epochs), type(s.batch_size)) == (int, float, float, int)
    assert (s.hidden_size, s.lr, s.epochs, s.batch_size, s.optimizer) == (30, 0.5, 1.0, 20, "Adam")
    assert json.dumps(lab.history()) and json.dumps(s.__dict__)  # plain Python values all through
    with pytest.raises(TypeError, match="hidden_size"):
        Settings(hidden_size=2.5)
    with pytest.raises(TypeError, match=r"lr=array\(0\.5\) \(a number: use an int or a float, not ndarray\)"):
        lab.set(lr=np.array(0.5))


@pytest.mark.parametrize("name, value", [("lr", float("nan")), ("lr", float("inf")), ("lr", -float("inf")),
                                         ("lr", np.float32("nan")), ("epochs", float("nan")),
                                         ("epochs", float("inf"))])
def test_nan_and_inf_settings_are_refused_naming_them(lab, name, value):
    with pytest.raises(ValueError, match=rf"bad lab setting: {name}=-?(nan|inf) \(use "):
        lab.set(**{name: value})
    assert lab.settings == Settings(subset=500, epochs=2, batch_size=50, hidden_size=20)


def test_choices_match_in_any_case_and_a_number_is_no_choice(lab):
    lab.set(optimizer="adam", activation="SIGMOID", weight_init="xavier")
    assert (lab.settings.optimizer, lab.settings.activation, lab.settings.weight_init) == ("Adam", "Sigmoid",
                                                                                           "Xavier")
    with pytest.raises(TypeError, match=r"weight_init=0\.01 \(one of the strings '0\.01', 'Xavier', 'He', not float\)"):
        lab.set(weight_init=0.01)
    view = LabView(lab)
    assert view.controls["optimizer"].value == "Adam" and view.controls["weight_init"].value == "Xavier"


def test_settings_cannot_be_assigned_past_the_checks(lab):
    with pytest.raises(AttributeError):
        lab.settings = Settings(subset=60000)
    with pytest.raises(AttributeError):
        lab.settings.lr = 100  # frozen


def test_the_view_shows_a_wrong_type_instead_of_raising(lab):
    view = LabView(lab)
    view._on_control({"owner": view.controls["lr"], "new": "fast"})
    assert "lr=&#x27;fast&#x27;" in view.status.value and lab.settings.lr == 0.1
    view._on_control({"owner": view.controls["subset"], "new": 10**6})
    assert "subset=1000000 (use 1 to 500" in view.status.value and lab.settings.subset == 500


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
    view = LabView(lab)
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
    view = LabView(lab)
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
    view = LabView(lab)
    lab.set(lr=10, optimizer="Adam")
    lab.train()
    lab.wait()
    assert "diverged at iteration" in view.status.value
    lab.set(lr=0.1, optimizer="SGD")
    view.widget._view_count = 1  # as a front end reports the view it drew
    assert view.status.value.startswith("Press <b>Train</b> for run 2 with SGD lr=0.1")
    assert "diverged at iteration" in view.table.value  # the run's outcome stays, beside its settings


def test_a_new_run_clears_the_older_runs_results(lab):
    view = LabView(lab)
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


def test_the_view_displays_as_its_widget_with_a_readable_text_fallback(lab):
    from IPython.core.formatters import DisplayFormatter
    view = LabView(lab)
    data, _ = DisplayFormatter().format(view)
    assert data["text/plain"] == PLACEHOLDER
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == view.widget.model_id


def test_the_lab_imports_no_widgets_and_no_plotting():
    code = ("import sys, common.lab; print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('ipywidgets', 'matplotlib', 'IPython') or m == 'common.lab_view'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_view_needs_a_lab():
    with pytest.raises(TypeError, match="LabView needs a TrainingLab, got dict"):
        LabView({})


def test_a_closed_view_stops_listening(lab):
    view = LabView(lab)
    assert view._on_lab in lab.listeners
    view.close()
    assert view._on_lab not in lab.listeners and view.widget.comm is None and view.curves.comm is None
    lab.set(lr=0.5)  # nothing left to update


# --- what the stored widget state says (the website shows it without a kernel) ------------

def test_the_status_promises_train_only_once_a_front_end_shows_the_view(lab):
    view = LabView(lab)
    assert view.widget.get_state()["_view_count"] == 0  # the front end reports the views it draws
    assert view.status.value == INACTIVE and not view.live
    lab.set(lr=0.5)
    assert view.status.value == INACTIVE
    lab.train()
    lab.wait()
    assert view.status.value.startswith("<b>Run 1 finished</b>") and view.status.value.endswith(INACTIVE)
    assert "Train" not in view.status.value.replace(INACTIVE, "")
    view.widget._view_count = 1  # what JupyterLab sends when it has drawn the view
    assert view.live and view.status.value.startswith("<b>Run 1 finished</b>")
    assert view.status.value.endswith("Press <b>Train</b> for run 2 with SGD lr=0.5 hidden=20 batch=50 ReLU "
                                      "init=He n=500.")
    assert INACTIVE not in view.status.value


def test_a_click_shows_the_view_is_live(lab):
    view = LabView(lab)
    view.buttons["Train"].click()
    lab.wait()
    assert "Press <b>Train</b> for run 2" in view.status.value


def test_the_inactive_text_says_how_to_start_the_lab():
    assert "Train" not in INACTIVE and "run all cells" in INACTIVE and "JupyterLab" in INACTIVE


def widgets_below(widget):
    found, todo = [], [widget]
    while todo:
        widget = todo.pop()
        found.append(widget)
        todo.extend(getattr(widget, "children", ()))
    return found


def test_no_control_has_a_description_for_the_website_to_typeset(lab):
    """The website's widget renderer typesets descriptions with MathJax 2's MathJax.Hub.Queue, which the
    site's MathJax 3 lacks: each description was one 'reading Queue' error on the page."""
    view = LabView(lab)
    described = [type(x).__name__ for x in widgets_below(view.widget)
                 if isinstance(x, DescriptionWidget) and x.description]
    assert described == []
    labels = [x.value for x in widgets_below(view.widget) if isinstance(x, w.HTML) and "text-align:right" in x.value]
    assert len(labels) == 8 and any(">training images<" in x for x in labels)


# --- data the lab cannot use, refused when the lab is made (issue 23) -----------------------

def make(x_train=None, t_train=None, x_test=None, t_test=None, **kwargs):
    """A lab on small valid data, with any argument replaced."""
    rng = np.random.default_rng(1)
    x = rng.random((30, 784), dtype=np.float32)
    t = np.arange(30) % 10
    return TrainingLab(x if x_train is None else x_train, t if t_train is None else t_train,
                       x if x_test is None else x_test, t if t_test is None else t_test, **kwargs)


@pytest.mark.parametrize("labels, where", [
    (np.r_[np.arange(29) % 10, 10], r"t_train holds 1 labels outside 0\.\.9, the first t_train\[29\] = 10"),
    (np.r_[-1, np.arange(29) % 10], r"t_train holds 1 labels outside 0\.\.9, the first t_train\[0\] = -1"),
    (np.full(30, 255, dtype=np.uint8), r"t_train holds 30 labels outside 0\.\.9, the first t_train\[0\] = 255"),
])
def test_labels_outside_0_to_9_are_refused(labels, where):
    with pytest.raises(ValueError, match=where + ": the lab trains a 10-digit classifier"):
        make(t_train=labels)


@pytest.mark.parametrize("width, fix", [(5, "use one column per digit 0..9"), (11, "use one column per digit"),
                                        (1, r"t_test\.ravel\(\) gives one label per image")])
def test_one_hot_labels_of_the_wrong_width_are_refused(width, fix):
    t = np.zeros((30, width))
    t[:, 0] = 1
    with pytest.raises(ValueError, match=rf"t_test has one-hot rows of width {width}, not 10: {fix}"):
        make(t_test=t)


@pytest.mark.parametrize("row", [np.zeros(10), np.r_[1, 1, np.zeros(8)], np.full(10, 0.1)])
def test_rows_that_are_not_one_hot_are_refused(row):
    t = np.eye(10)[np.arange(30) % 10]
    t[7] = row
    with pytest.raises(ValueError, match=r"t_train\[7\] = \[.*\] is not one-hot \(one 1, nine 0s\)"):
        make(t_train=t)


def test_one_hot_and_float_and_uint8_labels_give_the_same_lab():
    labels = np.arange(30) % 10
    plain = make()
    for t in (np.eye(10)[labels], labels.astype(float), labels.astype(np.uint8), list(labels)):
        other = make(t_train=t, t_test=t)
        assert other.t_train.dtype == np.int64 and np.array_equal(other.t_train, plain.t_train)
        assert np.array_equal(other.t_test, plain.t_test)


@pytest.mark.parametrize("labels, error, match", [
    (np.r_[2.5, np.zeros(29)], ValueError, r"t_train\[0\] = 2\.5 is not a whole number"),
    (np.r_[np.zeros(29), np.nan], ValueError, r"t_train\[29\] = nan is not a whole number"),
    (np.zeros(30, dtype=bool), TypeError, r"t_train holds bool values: use the digits 0\.\.9 as ints"),
    (np.array(["3"] * 30), TypeError, r"t_train holds <U1 values"),
    (np.array([3] * 29 + [None]), TypeError, r"t_train holds object values"),
    (np.zeros((30, 10, 1)), ValueError, r"t_train must have shape \(N,\) \(labels 0\.\.9\) or \(N, 10\) \(one-hot\), "
                                        r"got \(30, 10, 1\)"),
    (np.int64(3), ValueError, r"t_train must have shape \(N,\)"),
])
def test_labels_that_are_no_digits_are_refused(labels, error, match):
    with pytest.raises(error, match=match):
        make(t_train=labels)


def test_images_of_28_by_28_are_flattened():
    x = np.random.default_rng(2).random((30, 784), dtype=np.float32)
    flat = make(x_train=x)
    for shape in ((30, 28, 28), (30, 1, 28, 28)):
        lab = make(x_train=x.reshape(shape), x_test=x.reshape(shape))
        assert lab.x_train.shape == lab.x_test.shape == (30, 784) and np.array_equal(lab.x_train, flat.x_train)


@pytest.mark.parametrize("bad, name, first", [(np.nan, "x_train", 3), (np.inf, "x_train", 3), (-np.inf, "x_train", 3),
                                              (1e39, "x_test", 3)])
def test_nan_and_infinite_pixels_are_refused_naming_the_image(bad, name, first):
    x = np.random.default_rng(3).random((30, 784))
    x[first, 100] = x[first + 2, 5] = bad
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # refused, not warned about
        with pytest.raises(ValueError, match=rf"{name} holds NaN or infinite pixels \(or beyond float32\) in 2 "
                                             rf"images, the first image {first}: drop them"):
            make(**{name: x})


@pytest.mark.parametrize("images, error, match", [
    (np.full((30, 784), "0.5"), TypeError, r"x_train holds <U3 values, not numbers"),
    (np.zeros((30, 784), dtype=complex), TypeError, r"x_train holds complex128 values"),
    ([[0.0] * 784] * 29 + [[0.0] * 783], ValueError, r"x_train is not an array of images"),
])
def test_images_that_are_not_numbers_are_refused(images, error, match):
    with pytest.raises(error, match=match):
        make(x_train=images)


def test_boolean_images_are_pixels_0_and_1():
    x = np.random.default_rng(4).random((30, 784)) > 0.5
    assert np.array_equal(make(x_train=x).x_train, x.astype(np.float32))


@pytest.mark.parametrize("size, error, match", [
    (0, ValueError, r"TrainingLab: eval_size=0 is below 1: use an int >= 1, e.g\. eval_size=2000"),
    (-5, ValueError, r"eval_size=-5 is below 1"),
    (True, TypeError, r"eval_size=True is not a whole number"),
    (100.0, TypeError, r"eval_size=100\.0 is not a whole number"),
    ("100", TypeError, r"eval_size='100' is not a whole number"),
    (None, TypeError, r"eval_size=None is not a whole number"),
])
def test_eval_sizes_below_one_or_of_another_type_are_refused(size, error, match):
    with pytest.raises(error, match=match):
        make(eval_size=size)


def test_an_eval_size_beyond_the_set_measures_every_image():
    lab = make(eval_size=10**6)
    assert sorted(lab.eval_train) == list(range(30)) and sorted(lab.eval_test) == list(range(30))
    assert len(make(eval_size=np.int32(7)).eval_test) == 7


@pytest.mark.parametrize("seed, error, match", [
    (-1, ValueError, r"TrainingLab: seed=-1 is below 0: use an int >= 0, e\.g\. seed=0"),
    (True, TypeError, r"seed=True is not a whole number"),
    ("0", TypeError, r"seed='0' is not a whole number"),
    (None, TypeError, r"seed=None is not a whole number"),
    (1.0, TypeError, r"seed=1\.0 is not a whole number"),
])
def test_seeds_that_are_not_whole_numbers_from_0_are_refused(seed, error, match):
    with pytest.raises(error, match=match):
        make(seed=seed)


def test_a_numpy_seed_is_the_same_seed():
    a, b = make(seed=np.int64(3)), make(seed=3)
    assert type(a.seed) is int and np.array_equal(a.eval_train, b.eval_train)
    for lab in (a, b):
        lab.set(subset=30, epochs=1, batch_size=10)
        lab.train()
    assert a.wait().losses == b.wait().losses


def test_the_confusion_matrix_counts_every_test_image_once(lab):
    from common.lab_view import draw_results
    run = lab.train()
    lab.wait()
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (lab.t_test, run.predictions), 1)
    assert confusion.sum() == len(lab.t_test) and np.trace(confusion) == round(run.test_accuracy * len(lab.t_test))
    assert draw_results(run, lab.x_test, lab.t_test)[:4] == b"\x89PNG"


# --- listeners that raise -----------------------------------------------------------------

def broken(lab, run):
    raise RuntimeError("boom")


def test_a_listener_that_raises_in_set_is_named_and_the_others_still_hear(lab):
    heard = []
    lab.listeners += [broken, lambda lab, run: heard.append(run)]
    with pytest.raises(ListenerError, match="lab listener broken raised RuntimeError: boom") as raised:
        lab.set(hidden_size=30)
    assert isinstance(raised.value.__cause__, RuntimeError)
    assert lab.settings.hidden_size == 30 and heard == [None]  # the change was made and heard


def test_a_listener_that_raises_during_a_run_fails_the_run_naming_it(lab):
    def breaks_at_the_first_loss(lab, run):
        if run is not None and run.losses:
            raise ValueError("cannot draw")
    lab.listeners.append(breaks_at_the_first_loss)
    run = lab.train()
    lab.wait()
    assert run.status == "failed" and len(run.losses) == 1, run.summary()
    assert run.message.startswith("failed: ListenerError: lab listener "
                                  "test_a_listener_that_raises_during_a_run_fails_the_run_naming_it.<locals>."
                                  "breaks_at_the_first_loss raised ValueError: cannot draw")
    lab.listeners.remove(breaks_at_the_first_loss)
    assert not lab.running and lab.train() is not None and lab.wait().status == "finished"


def test_a_listener_that_raises_when_a_run_ends_leaves_its_outcome(lab):
    def breaks_at_the_end(lab, run):
        if run is not None and run.status != "running":
            raise KeyError("late")
    lab.listeners.append(breaks_at_the_end)
    run = lab.train()
    lab.wait()
    assert run.status == "finished" and run.test_accuracy > 0.8
    assert "breaks_at_the_end raised KeyError: 'late')" in run.message


def test_the_view_shows_a_listener_error_instead_of_raising(lab):
    view = LabView(lab)
    lab.listeners.append(broken)
    view.controls["hidden_size"].value = 30
    assert lab.settings.hidden_size == 30 and "lab listener broken raised RuntimeError: boom" in view.status.value


# --- Train, Stop and Reset from several threads -------------------------------------------

def test_reset_and_train_at_once_leave_at_most_one_run(lab):
    lab.set(epochs=100)
    for trial in range(20):
        lab.train()
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=lambda f=f, b=barrier: (b.wait(timeout=5), f()))
                   for f in (lab.reset, lab.train)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=10)
        lab.stop()
        assert not lab.running and lab_threads() == [], f"trial {trial}"
        assert len(lab.runs) <= 1 and all(r.status == "stopped" for r in lab.runs), f"trial {trial}"
        lab.reset()


def test_a_listener_can_reset_the_lab_during_a_run(lab):
    lab.set(epochs=100)

    def listener(lab, run):
        if run is not None and run.number == 1 and len(run.losses) == 2:
            lab.reset()  # from the training thread: stops its own run without waiting for itself
    lab.listeners.append(listener)
    first = lab.train()
    lab.wait(timeout=60)
    assert first.status == "stopped" and first.message == "stopped at iteration 2", first.summary()
    assert lab.runs == [] and not lab.running
    assert lab.train().number == 1


def test_settings_changed_from_another_thread_during_a_run_apply_to_the_next(lab):
    lab.set(epochs=100)
    first = lab.train()
    changer = threading.Thread(target=lambda: lab.set(hidden_size=9))
    changer.start()
    changer.join(timeout=10)
    assert first.settings.hidden_size == 20 and lab.settings.hidden_size == 9
    lab.stop()
    lab.set(epochs=1)
    second = lab.train()
    lab.wait()
    assert second.network.params["W1"].shape == (784, 9) and first.network.params["W1"].shape == (784, 20)

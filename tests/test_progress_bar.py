"""common.progress_bar: a tqdm bar outside Jupyter; in a notebook a widget whose stored text is
fixed when shown, so nbval sees the same output on every run."""
import json

import pytest

from common.progress_bar import ProgressBar


def test_outside_jupyter_it_counts_and_closes(capsys):
    with ProgressBar(50, "training") as bar:
        for _ in range(60):  # counting past the total stops at the total
            bar.update(loss=0.5)
    assert bar.done == 50
    assert capsys.readouterr().out == ""  # library code prints nothing to stdout


def test_in_a_notebook_the_stored_output_is_fixed_and_nbval_passes(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from common.progress_bar import ProgressBar\n"
        "with ProgressBar(300, 'training') as bar:\n"
        "    for i in range(300):\n"
        "        bar.update(loss=1.0 / (i + 1))\n"
        "print(bar.done)")]
    NotebookClient(nb, kernel_name="python3", record_timing=False, store_widget_state=True).execute()
    outputs = nb.cells[0].outputs
    assert outputs[0]["data"]["text/plain"] == "training: 300 iterations"
    assert "application/vnd.jupyter.widget-view+json" in outputs[0]["data"]
    assert outputs[1]["text"] == "300\n"
    state = json.dumps(nb.metadata["widgets"])
    assert '"value": 300' in state and "training: 300 of 300 iterations" in state  # the site shows it finished

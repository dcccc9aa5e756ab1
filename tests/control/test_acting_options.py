import dataclasses

import pytest

from keras_mage.control import ActingOptions
from keras_mage.control.acting_options import RETURN_UPDATES


@pytest.mark.parametrize(
    "options, message",
    [
        ({"return_update": "halve"}, "unknown return_update"),
        ({"replan_every": 0}, "replan_every must be an integer"),
        ({"replan_every": 1.5}, "replan_every must be an integer"),
        ({"temperature": float("nan")}, "temperature must be >= 0"),
        ({"top_k": 0}, "top_k must be None or an integer"),
        ({"guidance_scale": float("inf")}, "guidance_scale must be a number"),
        ({"temporal_ensemble": -1.0}, "temporal_ensemble=-1.0"),
    ],
)
def test_bad_values_are_refused_when_made(options, message):
    with pytest.raises(ValueError, match=message):
        ActingOptions(**options)


def test_for_model_fills_the_default_rule_and_checks_the_model():
    assert ActingOptions().for_model(return_head=True, action_chunk=1).return_update == "estimated"
    assert ActingOptions().for_model(return_head=False, action_chunk=1).return_update == "discounted"
    assert ActingOptions("fixed").for_model(return_head=True, action_chunk=1).return_update == "fixed"
    with pytest.raises(ValueError, match="needs a model with a return head"):
        ActingOptions("estimated").for_model(return_head=False, action_chunk=1)
    with pytest.raises(ValueError, match="add --set action_chunk=3"):
        ActingOptions(replan_every=3).for_model(True, 2, fix="add --set action_chunk=3")


def test_ensembling_is_dropped_where_plans_never_overlap():
    assert ActingOptions(replan_every=2).for_model(True, 4).temporal_ensemble == 0.0
    assert ActingOptions(replan_every=4).for_model(True, 4).temporal_ensemble is None


def test_sampling_and_as_dict_cover_every_field():
    options = ActingOptions(temperature=0.5, top_k=3, guidance_scale=2.0)
    assert options.sampling == {"temperature": 0.5, "top_k": 3, "guidance_scale": 2.0}
    assert set(options.as_dict()) == {field.name for field in dataclasses.fields(ActingOptions)}
    assert ActingOptions(**options.as_dict()) == options
    assert set(RETURN_UPDATES) == {"discounted", "decrement", "fixed", "estimated"}

"""Record preprocessor of the demo's monitoring schedule (SageMaker's script contract).

The endpoint takes CSV features and answers JSON, which the analyzer cannot line up by
itself (SageMaker fails such a window with "Encoding mismatch"): this script turns each
captured record into one flat row whose columns are the baseline's, label first.
"""

import json

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def preprocess_handler(inference_record, logger):
    values = inference_record.endpoint_input.data.strip().split(",")
    answer = json.loads(inference_record.endpoint_output.data)[0]
    if len(values) != len(FEATURES):
        logger.warning("dropping a record with %d features", len(values))
        return []  # SageMaker's way to drop a record
    row = {"class": answer["class"]}
    row.update(zip(FEATURES, (float(v) for v in values), strict=True))
    return row

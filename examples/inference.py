"""The model's inference script, as for SageMaker's scikit-learn container."""

import json
import os

import joblib


def model_fn(model_dir):
    return joblib.load(os.path.join(model_dir, "model.joblib"))


def predict_fn(data, model):
    return model.predict_proba(data)


def output_fn(prediction, accept):
    classes = ["setosa", "versicolor", "virginica"]
    best = [
        {"class": classes[int(row.argmax())], "probability": round(float(row.max()), 3)}
        for row in prediction
    ]
    return json.dumps(best), "application/json"

"""The baseline: a bare Flask app, served exactly like the platform (gunicorn, same workers)."""
from flask import Flask, request

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "hello"


@app.post("/hello")
def echo():
    return str(len(request.form))

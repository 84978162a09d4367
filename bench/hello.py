"""The baseline: a bare Flask app, served exactly like the platform (gunicorn, same workers).

``/hello`` is the bare baseline the targets are stated against (issue 8, issue 21). ``/page`` is a
comparable page: a questionnaire of 24 questions with five choices each rendered by Jinja on every
request, about the size of a servant's page, and its POST reads and checks the 24 answers and
redirects, as the submit does; it tells how much of the gap is the page itself and how much the
platform's work around it (the link, the database, the limiter).
"""
from flask import Flask, redirect, request

app = Flask(__name__)

QUESTIONS = [f"q{n:02d}" for n in range(1, 25)]
PAGE = """<!doctype html>
<html lang="kk"><head><meta charset="utf-8"><title>Сауалнама</title><link rel="stylesheet" href="/static/style.css"></head>
<body><main><h1>Бағалау 360</h1><p class="assessee">{{ name }}, {{ position }}, {{ unit }}</p>
<form method="post">
{% for q in questions %}<fieldset class="question" id="q-{{ q }}"><legend><span class="qid">{{ loop.index }}</span>
Қызметкер өз міндеттерін уақытында, толық және сапалы орындайды, әріптестерімен ынтымақтаса жұмыс істейді ({{ q }}).</legend>
<div class="options">{% for p in range(1, 6) %}<label><input type="radio" name="{{ q }}" value="{{ p }}"{% if answers.get(q) == p %} checked{% endif %}>
<span class="pt">{{ p }}</span> <span class="option-text">Мүлдем келіспеймін / толық келісемін ({{ p }})</span></label>{% endfor %}</div>
</fieldset>
{% endfor %}<button name="action" value="save">Сақтау</button> <button name="action" value="submit">Жіберу</button>
</form></main></body></html>"""


# Compiled once, as Flask's template loader caches the platform's templates.
TEMPLATE = app.jinja_env.from_string(PAGE)


@app.get("/hello")
def hello():
    return "hello"


@app.post("/hello")
def echo():
    return str(len(request.form))


@app.get("/page")
def page():
    return TEMPLATE.render(questions=QUESTIONS, answers={}, name="Қызметкер 1", position="Бас сарапшы",
                                  unit="Бөлім")


@app.post("/page")
def submit():
    answers = {q: int(request.form[q]) for q in QUESTIONS if request.form.get(q) in ("1", "2", "3", "4", "5")}
    if len(answers) != len(QUESTIONS) or request.form.get("action") != "submit":
        return "incomplete", 422
    return redirect("/hello")

"""Fixtures of one lesson each: scripted models, sample servers, data made at run time.

One module per lesson that needs them; each module's docstring opens with
"Lesson NN". Nothing here is the answer to an exercise.
"""

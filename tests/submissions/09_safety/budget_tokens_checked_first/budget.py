from course.responses import Usage
from course.safety_lab import BudgetExceeded


class Budget:
    """Steps and tokens for one request, checked before each model call.

    >>> budget = Budget(max_steps=2, max_tokens=1000, max_reply_tokens=300)
    >>> budget.before_call(prompt_tokens=100)
    300
    >>> budget.after_call(Usage(input_tokens=100, output_tokens=250))
    >>> budget.before_call(prompt_tokens=500), budget.steps, budget.tokens
    (150, 2, 350)
    """

    def __init__(self, max_steps, max_tokens, max_reply_tokens):
        for name, value in [("max_steps", max_steps), ("max_tokens", max_tokens), ("max_reply_tokens", max_reply_tokens)]:
            if value < 1:
                raise ValueError(f"{name} must be at least 1; got {value}")
        self.max_steps, self.max_tokens, self.max_reply_tokens = max_steps, max_tokens, max_reply_tokens
        self.steps = 0
        self.tokens = 0

    def before_call(self, prompt_tokens):
        """Raise BudgetExceeded("steps" or "tokens"), or count the step and return the reply's max_tokens."""
        room = self.max_tokens - self.tokens - prompt_tokens
        if room < 1:
            raise BudgetExceeded(reason="tokens")
        if self.steps >= self.max_steps:
            raise BudgetExceeded(reason="steps")
        self.steps += 1
        return min(self.max_reply_tokens, room)

    def after_call(self, usage):
        """Add the call's input and output tokens."""
        self.tokens += usage.total_tokens

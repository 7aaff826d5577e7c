from course.responses import Usage
from course.safety_lab import BudgetExceeded


class Budget:
    """Steps and tokens for one request."""

    def __init__(self, max_steps, max_tokens, max_reply_tokens):
        for name, value in [("max_steps", max_steps), ("max_tokens", max_tokens), ("max_reply_tokens", max_reply_tokens)]:
            if value < 1:
                raise ValueError(f"{name} must be at least 1; got {value}")
        self.max_steps, self.max_tokens, self.max_reply_tokens = max_steps, max_tokens, max_reply_tokens
        self.steps = 0
        self.tokens = 0

    def before_call(self, prompt_tokens):
        """Count the call, then check what has been spent so far."""
        self.steps += 1
        if self.steps > self.max_steps:
            raise BudgetExceeded("steps")
        if self.tokens >= self.max_tokens:
            raise BudgetExceeded("tokens")
        return self.max_reply_tokens

    def after_call(self, usage):
        """Add the call's input and output tokens."""
        self.tokens += usage.total_tokens

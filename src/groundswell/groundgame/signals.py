"""What the ground game tells other parts without importing them."""

from django.dispatch import Signal

# Someone said "don't phone me" on the doorstep. Sent inside the transaction that stores the
# contact, with `elector_ids` (list[int]) and `by` (the canvasser). The reach app keeps
# do-not-call and honours it in every phone bank.
doorstep_no_calls = Signal()

"""What the register tells the apps built on it, so it imports none of them. Receivers
connect in their app's ``ready()`` and run in the sender's transaction; a receiver of a
``…_checking`` signal refuses with a ValidationError, which reaches the form as any other."""

from django.dispatch import Signal

# Before a school start is saved: actor, placement, school, taught_by_larteamet.
# (teaching: only Lärteamet or the responsible case worker may choose Lärteamet's teaching.)
school_start_checking = Signal()
# After a school start is saved and audited: actor, placement, day, via.
# (followup: the chain's school-start step is done on the first school day.)
school_start_recorded = Signal()

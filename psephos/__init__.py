"""psephos: open election administration and observation platform."""

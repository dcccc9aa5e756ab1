"""Small helpers every layer of keras_mage may use (standard library only)."""

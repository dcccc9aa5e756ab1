"""Training batches as a `keras.utils.PyDataset`, for runs without TensorFlow.

Example:

>>> dataset, statistics = keras_mage.data.make_dataset(episodes, 16, 256, backend="numpy")  # doctest: +SKIP
>>> dataset[0]["observations"].shape  # doctest: +SKIP
(256, 16, 29)
"""

import keras


class WindowPyDataset(keras.utils.PyDataset):
    """Batches of windows; the same batches as the "tf" backend for the same seed.

    Args:
        index: a `WindowIndex` (the flat arrays and the gather).
        order: a `BatchOrder` (which windows each batch holds).
        repeat: endless (batches run on through epochs) instead of one epoch
            per Keras epoch; finite datasets reshuffle at each `on_epoch_end`.
        start_epoch, start_batch: resume points (see `make_dataset`).
    """

    def __init__(self, index, order, repeat=False, start_epoch=0, start_batch=0, **kwargs):
        super().__init__(**kwargs)
        self.index = index
        self.order = order
        self.repeat = repeat
        self.epoch = start_epoch  # one-epoch mode: the epoch the next iteration yields
        self.start_batch = start_batch  # repeat mode: batches of the stream already consumed

    @property
    def num_batches(self):
        return None if self.repeat else self.order.batches_per_epoch

    def __len__(self):
        if self.repeat:
            raise TypeError("a repeating dataset has no length; iterate it or use `num_batches` (None).")
        return self.order.batches_per_epoch

    def __getitem__(self, batch):
        if self.repeat:
            epoch, batch = divmod(batch + self.start_batch, self.order.batches_per_epoch)
        else:
            epoch = self.epoch
            if batch < 0:
                batch += self.order.batches_per_epoch
        return self.index.gather(self.order.starts(epoch, batch))

    def on_epoch_end(self):
        self.epoch += 1

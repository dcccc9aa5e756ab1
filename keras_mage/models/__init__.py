from keras_mage.models.mage import MAGE

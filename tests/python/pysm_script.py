# A PySM 3 script as PySM's documentation writes one; only the two imports
# differ (PySM: `import pysm3`, `import pysm3.units as u`). Templates are
# found through $PYSM_LOCAL_DATA, as PySM finds them.
import healpy as hp
import numpy as np

import skymodel as pysm3
import skymodel.units as u

sky = pysm3.Sky(nside=64, preset_strings=["d1", "s1", "f1", "a1", "c2"])
map_100GHz = sky.get_emission(100 * u.GHz)
map_100GHz_cmb = map_100GHz.to(u.uK_CMB, equivalencies=u.cmb_equivalencies(100 * u.GHz))

bandpass_frequencies = np.linspace(90, 110, 11) * u.GHz
bandpass_weights = np.ones(len(bandpass_frequencies))
band_map = sky.get_emission(bandpass_frequencies, bandpass_weights)
band_map_cmb = band_map * pysm3.bandpass_unit_conversion(bandpass_frequencies, bandpass_weights,
                                                         u.uK_CMB)

smoothed = pysm3.apply_smoothing_and_coord_transform(
    band_map_cmb, fwhm=2 * u.deg, rot=hp.Rotator(coord=("G", "C")), output_nside=32)
print(sky.output_unit, map_100GHz.shape, band_map_cmb.unit, smoothed.shape)

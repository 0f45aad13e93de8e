"""Bad input raises the right exception with the library's one-line
message, and nothing is printed."""
import numpy as np
import pytest

from conftest import TEMPLATES

u = pytest.importorskip("skymodel.units")
import skymodel  # noqa: E402


@pytest.fixture
def d1():
    return skymodel.Sky(nside=16, preset_strings=["d1"], data_dir=TEMPLATES)


def test_nside(capfd):
    for n in (-4, 0, 3, 16384):
        with pytest.raises(ValueError, match=rf"^nside {n}: expected a power of two from 1 "
                                             "to 8192$"):
            skymodel.Sky(nside=n, preset_strings=["d1"], data_dir=TEMPLATES)
    with pytest.raises(TypeError):
        skymodel.Sky(nside=16.5, preset_strings=["d1"])
    assert capfd.readouterr() == ("", "")


def test_unknown_unit_and_preset():
    with pytest.raises(ValueError, match=r"^unit 'uK_cmb' not recognised: did you mean uK_CMB\?$"):
        skymodel.Sky(nside=16, preset_strings=["d1"], output_unit="uK_cmb")
    with pytest.raises(ValueError, match=r"^unit 'K' is ambiguous: did you mean K_RJ or K_CMB\?$"):
        skymodel.bandpass_unit_conversion([100], None, "K")
    with pytest.raises(ValueError, match=r"^unknown preset 'd99' \(did you mean d9\?\)$"):
        skymodel.Sky(nside=16, preset_strings=["d99"])
    with pytest.raises(ValueError, match="did you mean uK_CMB"):
        skymodel.Sky(nside=16, preset_strings=["d1"], data_dir=TEMPLATES).get_emission_channels(
            [100], units="uK_cmb")


def test_frequencies_and_weights(d1):
    with pytest.raises(ValueError, match=r"^weights has 2 values but freq has 3: expected one "
                                         "weight per frequency$"):
        d1.get_emission([90, 100, 110], [1, 2])
    with pytest.raises(ValueError, match=r"^freq: expected a number or a 1-D array of numbers$"):
        d1.get_emission([[90, 100], [110, 120]])
    with pytest.raises(ValueError, match=r"^freq: expected a number or a 1-D array of numbers$"):
        d1.get_emission("a hundred")
    with pytest.raises(ValueError, match=r"^frequency 1e\+11: frequencies are in GHz \(did you "
                                         r"give Hz\? 100 GHz is 100, not 1e11\)$"):
        d1.get_emission(1e11)
    with pytest.raises(ValueError, match="expected strictly increasing frequencies"):
        d1.get_emission([100, 90])
    with pytest.raises(ValueError, match="freq: 0 frequencies"):
        d1.get_emission([])
    with pytest.raises(ValueError):
        d1.get_emission([90, 100], [-1, 1])
    with pytest.raises(u.UnitConversionError):
        d1.get_emission(100 * u.K)


def test_missing_template():
    table = {"class": "ModifiedBlackBody", "map_I": "nope/dust_t.fits",
             "map_Q": "pysm_2/dust_q_new.fits", "map_U": "pysm_2/dust_u_new.fits",
             "unit_I": "uK_RJ", "unit_Q": "uK_RJ", "unit_U": "uK_RJ", "map_mbb_index": 1.5,
             "map_mbb_temperature": 20, "unit_mbb_temperature": "K", "freq_ref_I": "545 GHz",
             "freq_ref_P": "353 GHz"}
    with pytest.raises(FileNotFoundError, match=r"^offline and 1 template is missing .*: "
                                                r"nope/dust_t.fits$"):
        skymodel.Sky(nside=16, component_config={"dust": table}, data_dir=TEMPLATES,
                     offline=True)
    with pytest.raises(FileNotFoundError, match="no-such.toml"):
        skymodel.Sky(nside=16, component_config="no-such.toml")
    bad = dict(table, map_mbb_indx=1.5)
    with pytest.raises(ValueError, match=r"map_mbb_indx: unknown parameter of "
                                         r"ModifiedBlackBody \(did you mean map_mbb_index\?\)"):
        skymodel.Sky(nside=16, component_config={"dust": bad}, data_dir=TEMPLATES)


def test_bad_template_file(tmp_path):
    (tmp_path / "nope").mkdir()
    (tmp_path / "nope" / "dust_t.fits").write_bytes(b"not a FITS file\n" * 200)
    table = {"class": "ModifiedBlackBody", "map_I": "nope/dust_t.fits",
             "map_Q": "pysm_2/dust_q_new.fits", "map_U": "pysm_2/dust_u_new.fits",
             "unit_I": "uK_RJ", "unit_Q": "uK_RJ", "unit_U": "uK_RJ", "map_mbb_index": 1.5,
             "map_mbb_temperature": 20, "unit_mbb_temperature": "K", "freq_ref_I": "545 GHz",
             "freq_ref_P": "353 GHz"}
    with pytest.raises(OSError, match="dust_t.fits"):
        skymodel.Sky(nside=16, component_config={"dust": table},
                     data_dir=[str(tmp_path), TEMPLATES])


def test_smoothing_inputs(d1):
    m = d1.get_emission(100)
    with pytest.raises(ValueError, match=r"^input_map: shape \(3, 100\): expected \(npix,\) "
                                         r"or \(1 or 3, npix\) with npix = 12 nside\^2$"):
        skymodel.apply_smoothing_and_coord_transform(np.zeros((3, 100)), fwhm=0.01)
    with pytest.raises(ValueError, match="input_map"):
        skymodel.apply_smoothing_and_coord_transform(np.zeros((2, 3, 4)), fwhm=0.01)
    with pytest.raises(ValueError, match=r"^coordinates 'G:X': expected G \(Galactic\)"):
        skymodel.apply_smoothing_and_coord_transform(m, rot="GX")
    with pytest.raises(ValueError, match="CAR resolution 7 arcmin does not divide 180 degrees"):
        skymodel.apply_smoothing_and_coord_transform(m, output_car_resol=7 * u.arcmin)
    with pytest.raises(ValueError, match="output_nside 3"):
        skymodel.apply_smoothing_and_coord_transform(m, output_nside=3)

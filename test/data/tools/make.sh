#!/usr/bin/env bash
# Rebuilds test/data/ from the full collection (default ../shared/data beside the checkout):
# the files the unit and end-to-end tests read, whole where small, cut where large. Each
# source folder's SOURCE.md says what was cut; this script is the command that did it.
#   test/data/tools/make.sh [SHARED_DATA_DIR]
# Needs python3 (JSON) and node with the project's node_modules (h5wasm, for the HDF5 cut).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$PWD
SRC=$(cd "${1:-../../../shared/data}" && pwd)

copy() { # copy FOLDER FILE... (verbatim)
  local dir=$1
  shift
  mkdir -p "$OUT/$dir"
  for f in "$@"; do
    mkdir -p "$OUT/$dir/$(dirname "$f")"
    cp --no-preserve=mode "$SRC/$dir/$f" "$OUT/$dir/$f"
  done
}
minify() { # minify IN OUT: the same JSON value without indentation (floats round-trip exactly)
  python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"), separators=(",", ":"))' "$1" "$2"
}

cp --no-preserve=mode "$SRC/reference.json" "$OUT/reference.json"

# scikit-hep-testdata: the ROOT files the reader tests name (the zlib, lzma, lz4 and
# uncompressed copies of Zmumu and HZZ stay in ../shared/data: large checks).
S=skhep-testdata
ROOTS=(uproot-Zmumu.root uproot-Zmumu-zstd.root uproot-HZZ.root uproot-HZZ-zstd.root
  nanoAOD_2015_CMS_Open_Data_ttbar.root uproot-nesteddirs.root uproot-small-flat-tree.root
  uproot-small-evnt-tree-fullsplit.root uproot-stl_containers.root uproot-leaflist.root
  uproot-sample-6.20.04-uncompressed.root uproot-sample-6.20.04-zlib.root
  uproot-sample-6.20.04-lzma.root uproot-sample-6.20.04-lz4.root
  uproot-small-dy-nooffsets.root uproot-small-dy-withoffsets.root uproot-empty.root
  uproot-histograms.root Run2012BC_DoubleMuParked_Muons_1000evts_rntuple_v1-0-0-0.root)
copy $S "${ROOTS[@]}" LICENSE.scikit-hep-testdata VERIFIED_VALUES.md \
  sbottom_ins1748602_extracted/README.md
# The inventory, cut to the blocks ("FILE: …" and its indented lines) of the files kept.
awk -v keep="$(printf '%s\n' "${ROOTS[@]}")" '
  BEGIN { n = split(keep, k, "\n"); for (i = 1; i <= n; i++) want[k[i]] = 1 }
  /^[^ ]/ { name = $0; sub(/: .*/, "", name); on = (name in want) || !/^[^ ]+\.root: / }
  on' "$SRC/$S/INVENTORY_rootls.txt" >"$OUT/$S/INVENTORY_rootls.txt"
# The sbottom likelihoods, minified (their indentation is 3/4 of the bytes).
for f in RegionA/BkgOnly.json RegionA/patch.sbottom_1300_205_60.json \
  RegionA/patch.sbottom_1400_950_60.json RegionA/patch.sbottom_1500_850_60.json \
  RegionB/BkgOnly.json RegionB/patch.sbottom_1400_550_60.json \
  RegionC/BkgOnly.json RegionC/patch.sbottom_1600_850_60.json; do
  mkdir -p "$OUT/$S/sbottom_ins1748602_extracted/$(dirname $f)"
  minify "$SRC/$S/sbottom_ins1748602_extracted/$f" "$OUT/$S/sbottom_ins1748602_extracted/$f"
done

copy coffea-samples nano_dy.root nano_dy.parquet nano_dimuon.root nano_tt_v12.root LICENSE.coffea

# The 1Lbb likelihood whole; the 125-patch list cut to two patches (the full list: large check).
L=hepdata-pyhf-extractor_1Lbb
copy $L 1Lbb_BkgOnly.json 1Lbb_patchset_subset.json 1Lbb_patch_names.txt workspace_v1.json.gz \
  LICENSE.hepdata-pyhf-extractor
python3 - "$SRC/$L/patchsets_v1.json.gz" "$OUT/$L/patchsets_v1.json.gz" <<'PY'
import gzip, json, sys
sets = json.load(gzip.open(sys.argv[1]))
keep = {"C1N2_Wh_hbb_900_250", "C1N2_Wh_hbb_1000_0"}
for s in sets:
    s["patches"] = [p for p in s["patches"] if p["metadata"]["name"] in keep]
with gzip.GzipFile(sys.argv[2], "wb", mtime=0) as f:
    f.write(json.dumps(sets).encode())
PY

copy pyhf-validation-workspaces $(cd "$SRC/pyhf-validation-workspaces" && ls)
copy pyhf validation/xmlimport_input_bkg.json LICENSE.pyhf

# The Kaggle H→ττ sample whole: the tests' counts, bands and streaming chunks are tied to it.
copy ATLAS-UK-ML_kaggle-higgs train_sml_sig.csv train_sml_bg.csv README.data.md LICENSE.ATLAS-UK-ML

# CMS open-data Z→ee: the header and the first 1000 events of 18885.
mkdir -p "$OUT/cms-opendata-education_csv"
head -n 1001 "$SRC/cms-opendata-education_csv/Zee_Run2011A.csv" \
  >"$OUT/cms-opendata-education_csv/Zee_Run2011A.csv"

# CMS ttbar PDF weights: the pandas frame cut to its first 1000 of 73227 rows.
mkdir -p "$OUT/cmsopen_llayer"
cp --no-preserve=mode "$SRC/cmsopen_llayer/LICENSE.cmsopen" "$OUT/cmsopen_llayer/"
node tools/cut-pandas-frame.mjs "$SRC/cmsopen_llayer/TTJets_pdfweights.h5" \
  "$OUT/cmsopen_llayer/TTJets_pdfweights.h5" 1000

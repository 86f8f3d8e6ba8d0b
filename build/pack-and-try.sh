#!/usr/bin/env bash
# Packs Lumen and Lumen.Cli into a temporary local feed and uses them as someone outside this repository would:
#  1. installs the lumen tool from the feed into a temporary tool path, runs `lumen --version` and one
#     `lumen explain` on the reference CNN and checks that the heatmap and the raw attribution were written;
#  2. builds and runs a copy of samples/QuickStart against the packed Lumen package (a NuGet.config in a temporary
#     folder adds the feed to the usual sources) and checks its four overlays.
# Both runs load TorchSharp, so on a Linux whose libstdc++ lacks GLIBCXX_3.4.32 they also prove the loading fix:
# patched at pack time in the tool package, and by the Lumen package's buildTransitive targets in the sample's build.
#
# Usage: build/pack-and-try.sh [--keep]
#   LUMEN_TOOL_RIDS  platforms of the tool packages to pack (default: this machine's, e.g. linux-x64; the release
#                    packs every platform listed in src/Lumen.Cli/Lumen.Cli.csproj)
#   --keep           keep the temporary folder (feed, tool, outputs) and print its path
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

keep=false
[ "${1:-}" = "--keep" ] && keep=true
work=$(mktemp -d "${TMPDIR:-/tmp}/lumen-pack-try.XXXXXX")
# A version no earlier run used, so the NuGet caches never hand back an older package.
version="0.1.0-try.$(date -u +%Y%m%d%H%M%S)"
cleanup() {
  local cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  rm -rf "$cache/lumen/$version" "$cache/lumen.cli/$version" "$cache/lumen.cli.${rid:-none}/$version"
  rmdir "$cache/lumen" "$cache/lumen.cli" "$cache/lumen.cli.${rid:-none}" 2>/dev/null || true
  if $keep; then echo "pack-and-try: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

fail() { echo "pack-and-try: FAILED: $*" >&2; exit 1; }
step() { echo "pack-and-try: $* ($(date -u +%H:%M:%S))"; }

rid=${LUMEN_TOOL_RIDS:-$(dotnet --info | sed -n 's/^ *RID: *//p' | head -n 1)}
[ -n "$rid" ] || fail "could not tell this machine's runtime identifier; set LUMEN_TOOL_RIDS"
feed="$work/feed"

step "free disk space: $(df -h --output=avail "$work" | tail -n 1 | tr -d ' ')"
step "packing Lumen and Lumen.Cli $version (tool platforms: $rid)"
dotnet pack "$root/src/Lumen" -c Release -o "$feed" -p:Version="$version" --nologo -v quiet
dotnet pack "$root/src/Lumen.Cli" -c Release -o "$feed" -p:Version="$version" \
  -p:ToolPackageRuntimeIdentifiers="$rid" --nologo -v quiet
ls -l "$feed"
for package in "$feed"/*.nupkg; do
  size=$(stat -c %s "$package")
  if [ "$size" -gt $((250 * 1024 * 1024)) ]; then fail "$(basename "$package") is $size bytes, over NuGet's 250 MB limit"; fi
done

step "installing the tool from the feed"
dotnet tool install Lumen.Cli --version "$version" --tool-path "$work/tool" --add-source "$feed"
reported=$("$work/tool/lumen" --version)
[[ "$reported" == "$version"* ]] || fail "lumen --version printed '$reported', expected $version"

step "running the installed tool"
fixtures="$root/tests/Lumen.Tests/fixtures/reference"
"$work/tool/lumen" explain --model fmnist-cnn --weights "$fixtures/models/fmnist_cnn.safetensors" \
  --input "$fixtures/inputs/fmnist_cnn_inputs_0_3.npy" --method saliency --out "$work/tool-out"
npy=$(find "$work/tool-out" -name '*saliency*.npy' | wc -l)
png=$(find "$work/tool-out" -name '*saliency*.png' | wc -l)
[ "$npy" -ge 1 ] && [ "$png" -ge 4 ] || fail "lumen explain wrote $npy .npy and $png .png files, expected 1 and 4"

step "building and running samples/QuickStart against the packed library"
sample="$work/sample"
mkdir -p "$sample/QuickStart"
cp "$root/samples/QuickStart/Program.cs" "$root/samples/QuickStart/QuickStart.csproj" "$sample/QuickStart/"
cp "$root/samples/fmnist-cnn.safetensors" "$root/samples/ankle-boot.png" "$root/samples/pullover.png" "$sample/"
# The repository's central package versions, plus the packed Lumen; nothing else of the repository's build.
sed "s#</ItemGroup>#  <PackageVersion Include=\"Lumen\" Version=\"$version\" />\n  </ItemGroup>#" \
  "$root/Directory.Packages.props" > "$sample/Directory.Packages.props"
sed -i 's#<Project>#<Project>\n  <PropertyGroup><ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally></PropertyGroup>#' \
  "$sample/Directory.Packages.props"
# Hard links into the NuGet cache instead of a copy of libtorch per platform (as the repository's own build does).
cat > "$sample/Directory.Build.props" <<'EOF'
<Project>
  <PropertyGroup>
    <CreateHardLinksForCopyLocalIfPossible>true</CreateHardLinksForCopyLocalIfPossible>
    <CreateHardLinksForCopyFilesToOutputDirectoryIfPossible>true</CreateHardLinksForCopyFilesToOutputDirectoryIfPossible>
  </PropertyGroup>
</Project>
EOF
echo '<Project />' > "$sample/Directory.Build.targets"
cat > "$sample/NuGet.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="lumen-local" value="$feed" />
  </packageSources>
</configuration>
EOF
dotnet run --project "$sample/QuickStart" -c Release -p:UseLumenPackage=true -- "$work/sample-out"
overlays=$(find "$work/sample-out" -name '*.png' | wc -l)
[ "$overlays" -eq 4 ] || fail "the sample wrote $overlays overlays, expected 4"

step "passed: the tool and the library work from the packages"

#!/usr/bin/env bash
# Creates the local NuGet package source that YARP needs: the feed we reach lacks
# System.IO.Hashing, but the .NET SDK ships the genuine assembly. We pack that file
# as a package into .local/nuget (git-ignored) which NuGet.config lists. Idempotent.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_dir="$repo_root/.local/nuget"
package_id="System.IO.Hashing"

command -v dotnet >/dev/null || { echo "bootstrap: the .NET SDK (dotnet) is not on PATH" >&2; exit 1; }

dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
sdk_version="$(cd "$repo_root" && dotnet --version)" # the SDK global.json selects, as the builds use
dll="$dotnet_root/sdk/$sdk_version/Sdks/Microsoft.NET.Sdk/tools/net10.0/$package_id.dll"
if [[ ! -f "$dll" ]]; then
    dll="$(find "$dotnet_root/sdk" -path "*/Sdks/Microsoft.NET.Sdk/tools/net*/$package_id.dll" | sort | tail -n 1)"
fi
[[ -f "$dll" ]] || { echo "bootstrap: $package_id.dll not found under $dotnet_root/sdk" >&2; exit 1; }

# The package version is the runtime version this SDK bundles (e.g. 10.0.12), the same MSBuild property
# Directory.Packages.props pins it with ($(BundledNETCoreAppPackageVersion)); it satisfies YARP's ">= 7.0.0".
bundled_props="$dotnet_root/sdk/$sdk_version/Microsoft.NETCoreSdk.BundledVersions.props"
version="$(sed -n 's:.*<BundledNETCoreAppPackageVersion>\([^<]*\)</BundledNETCoreAppPackageVersion>.*:\1:p' "$bundled_props" 2>/dev/null | head -n 1)"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "bootstrap: BundledNETCoreAppPackageVersion not found in $bundled_props" >&2; exit 1; }
nupkg="$source_dir/$package_id.$version.nupkg"

if [[ -f "$nupkg" ]]; then
    echo "bootstrap: $package_id $version already in .local/nuget"
    exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lib/net8.0" "$source_dir"
cp "$dll" "$work/lib/net8.0/"
cat > "$work/$package_id.nuspec" <<NUSPEC
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>$package_id</id>
    <version>$version</version>
    <authors>Microsoft (repacked from the .NET SDK by eng/bootstrap.sh)</authors>
    <description>$package_id assembly taken from the local .NET SDK $sdk_version.</description>
    <dependencies><group targetFramework="net8.0" /></dependencies>
  </metadata>
</package>
NUSPEC
cat > "$work/[Content_Types].xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="nuspec" ContentType="application/octet" /><Default Extension="dll" ContentType="application/octet" /></Types>
XML
if ! command -v zip >/dev/null; then
    echo "bootstrap: installing zip"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zip >/dev/null
fi
(cd "$work" && zip -q -r "$nupkg" .)
# A stale copy in the global packages folder would shadow the new one.
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/system.io.hashing/$version"
echo "bootstrap: packed $package_id $version from $dll into .local/nuget"

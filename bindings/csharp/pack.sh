#!/usr/bin/env bash
# pack.sh VERSION OUT.nupkg: the NuGet package of the C# binding, made
# without the .NET SDK.  A .nupkg is a zip with a .nuspec; this one holds
#   lib/netstandard2.0/Mailwire.dll, Mailwire.xml  (compiled here with mcs)
#   runtimes/win-x64/native/mailwire.dll           (build/windows/x64)
#   runtimes/win-x86/native/mailwire.dll           (build/windows/x86)
#   runtimes/linux-x64/native/libmailwire.so       (build/libmailwire.so)
#   README.md, Mailwire.nuspec, [Content_Types].xml, _rels/.rels
# Run from the repository root after `make` and `make windows` (the
# Makefile's `packages` target does all three).
#
# The assembly is compiled by Mono's mcs against Mono's 4.5 profile (the
# one Debian installs), using only APIs that netstandard2.0 has; .NET
# Framework loads it as it is, .NET Core and .NET 5+ through their mscorlib
# facade.  Mailwire.csproj builds the same sources with the .NET SDK.
set -euo pipefail
version=$1 out=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cs=bindings/csharp
mkdir -p "$work/pkg/lib/netstandard2.0" "$work/pkg/_rels" "$(dirname "$out")"
for rid in win-x64 win-x86 linux-x64; do mkdir -p "$work/pkg/runtimes/$rid/native"; done
cat >"$work/AssemblyInfo.cs" <<CS
using System.Reflection;
[assembly: AssemblyTitle("Mailwire")]
[assembly: AssemblyProduct("Mailwire")]
[assembly: AssemblyVersion("$version.0")]
[assembly: AssemblyFileVersion("$version.0")]
[assembly: AssemblyInformationalVersion("$version")]
CS
mcs -target:library -optimize+ -warnaserror+ -nowarn:1591 -out:"$work/pkg/lib/netstandard2.0/Mailwire.dll" \
  -doc:"$work/pkg/lib/netstandard2.0/Mailwire.xml" \
  "$cs/Mailwire.cs" "$cs/MimeMessage.cs" "$cs/Clients.cs" "$cs/OAuth2.cs" "$work/AssemblyInfo.cs"
cp build/windows/x64/mailwire.dll "$work/pkg/runtimes/win-x64/native/mailwire.dll"
cp build/windows/x86/mailwire.dll "$work/pkg/runtimes/win-x86/native/mailwire.dll"
cp build/libmailwire.so "$work/pkg/runtimes/linux-x64/native/libmailwire.so"
cp "$cs/README.md" "$work/pkg/README.md"
cat >"$work/pkg/Mailwire.nuspec" <<XML
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>Mailwire</id>
    <version>$version</version>
    <authors>Mailwire</authors>
    <description>Native email component: SMTP/submission/LMTP and POP3 clients with TLS, SASL and OAuth2, MIME compose and parse, RFC 3848 trace, an embedded test server. MailKit's vocabulary, blocking and async methods. Native libraries for win-x64, win-x86 and linux-x64.</description>
    <tags>smtp pop3 mime email oauth2</tags>
    <readme>README.md</readme>
    <dependencies>
      <group targetFramework=".NETStandard2.0" />
    </dependencies>
  </metadata>
</package>
XML
cat >"$work/pkg/[Content_Types].xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />
  <Default Extension="nuspec" ContentType="application/octet" />
  <Default Extension="dll" ContentType="application/octet" />
  <Default Extension="xml" ContentType="application/octet" />
  <Default Extension="so" ContentType="application/octet" />
  <Default Extension="md" ContentType="application/octet" />
</Types>
XML
cat >"$work/pkg/_rels/.rels" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/Mailwire.nuspec" Id="R1" />
</Relationships>
XML
rm -f "$out"
abs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
# Fixed times and order, so that the same inputs make the same package.
find "$work/pkg" -exec touch -d @946684800 {} +
(cd "$work/pkg" && find . -type f | sed 's#^\./##' | LC_ALL=C sort | zip -q -X -D "$abs" -@)
echo "$out"

#!/usr/bin/env bash
# Regenerates test/fixtures/audio: espeak-ng speech clips in every mobile format (encoded with the
# ffmpeg binary bundled by @ffmpeg-installer/ffmpeg, the same one the decoder uses), a few bad
# files, and Praat's reference analysis of the 16 kHz decodes (praat-reference.json).
#
# Needs Node 24 on PATH, espeak-ng, and praat for the reference (without praat the committed
# reference is kept). Usage: scripts/node24 scripts/make-audio-fixtures.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/test/fixtures/audio"
cd "$root"

ffmpeg="$(node -p "require('@ffmpeg-installer/ffmpeg').path")"
command -v espeak-ng >/dev/null || { echo "make-audio-fixtures: espeak-ng is required" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Bit-exact flags keep the files identical from run to run (no encoder version tags).
ff() { "$ffmpeg" -hide_banner -loglevel error -nostdin -y "$@"; }
bitexact=(-fflags +bitexact -flags:a +bitexact -map_metadata -1)

# id | espeak-ng voice | pitch (0-99) | rate (words/min) | text. The Debian espeak-ng has no
# dictionary for Chinese characters, so Mandarin is given as tone-numbered pinyin.
clips=(
  "en-us-low|en-us|30|140|The weather was lovely this morning, so we walked along the river."
  "en-f3-high|en+f3|70|170|I honestly did not expect that. Can you tell me what happened next?"
  "en-gb-fast|en-gb|50|210|Sorry, I am running late again; the train stopped twice before the station."
  "cmn-male|cmn-latn-pinyin|35|170|jin1 tian1 tian1 qi4 hen3 hao3, wo3 men2 qu4 gong1 yuan2 san4 bu4 ba5."
  "cmn-f2|cmn-latn-pinyin+f2|60|150|wo3 you3 dian3 lei4 le5, dan4 shi4 hen3 gao1 xing4 jian4 dao4 ni3."
)

rm -rf "$out/speech" "$out/bad" "$out/clips.json" && mkdir -p "$out/speech" "$out/bad"

manifest="$out/clips.json"
printf '[\n' >"$manifest"
for i in "${!clips[@]}"; do
  IFS='|' read -r id voice pitch rate text <<<"${clips[$i]}"
  espeak-ng -v "$voice" -p "$pitch" -s "$rate" -w "$work/$id.wav" "$text"
  src="$work/$id.wav"
  dst="$out/speech/$id"

  # What phones upload: iOS records AAC in .m4a (moov atom after the audio, as a recorder that
  # writes while recording leaves it); browsers and Android record Opus in WebM or Ogg; older
  # Android records AMR-NB (.amr/.3gp); some apps send MP3 or WAV.
  ff -i "$src" -ac 1 -ar 44100 -c:a aac -b:a 48k "${bitexact[@]}" "$dst.m4a"
  ff -i "$src" -ac 1 -ar 48000 -c:a libopus -b:a 24k "${bitexact[@]}" "$dst.ogg"
  ff -i "$src" -ac 1 -ar 48000 -c:a libopus -b:a 32k "${bitexact[@]}" -f webm "$dst.webm"
  ff -i "$src" -ac 1 -ar 8000 -c:a libopencore_amrnb -b:a 12.2k "${bitexact[@]}" "$dst.amr"
  ff -i "$src" -ac 1 -ar 22050 -c:a libmp3lame -b:a 48k "${bitexact[@]}" "$dst.mp3"
  ff -i "$src" -ac 1 -c:a pcm_s16le "${bitexact[@]}" "$dst.wav"
  if [ "$i" -eq 0 ]; then
    ff -i "$src" -ac 1 -ar 8000 -c:a libopencore_amrnb -b:a 7.95k "${bitexact[@]}" "$dst.3gp"
  fi

  sep=','; [ "$i" -eq $((${#clips[@]} - 1)) ] && sep=''
  printf '  { "id": "%s", "voice": "%s", "pitch": %s, "rate": %s, "text": "%s" }%s\n' \
    "$id" "$voice" "$pitch" "$rate" "$text" "$sep" >>"$manifest"
done
printf ']\n' >>"$manifest"

# Bad and edge-case inputs.
bad="$out/bad"
: >"$bad/empty.m4a"
ff -f lavfi -i "anoisesrc=seed=7:d=0.25:r=16000" -f u8 "$bad/random.bin"
head -c 20000 "$out/speech/en-us-low.m4a" >"$bad/truncated.m4a"
# A WAV whose fmt chunk is zeroed: no format tag, no channels, no sample rate.
cp "$out/speech/en-us-low.wav" "$work/wrong-header.wav"
printf '\0%.0s' $(seq 16) | dd of="$work/wrong-header.wav" bs=1 seek=20 conv=notrunc status=none
head -c 32000 "$work/wrong-header.wav" >"$bad/wrong-header.wav"
ff -f lavfi -i "anullsrc=r=16000:cl=mono" -t 2 -c:a pcm_s16le "${bitexact[@]}" "$bad/silence.wav"

# Praat's reference on exactly the samples the tests analyse: each clip decoded by the project's
# own decoder (src/voice/decode) and saved as a 16 kHz float WAV.
if command -v praat >/dev/null; then
  mkdir -p "$work/decoded"
  node --import ./scripts/ts-hooks.mjs --input-type=module -e "
    import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
    import { decodeToPcm } from './src/voice/decode/decode-to-pcm.ts';
    import { encodeWav } from './src/voice/decode/encode-wav.ts';
    const [from, to] = process.argv.slice(1);
    for (const file of readdirSync(from)) {
      const audio = await decodeToPcm(readFileSync(from + '/' + file), { maxDurationSec: 60, timeoutMs: 60000 });
      writeFileSync(to + '/' + file + '.wav', encodeWav(audio.samples, audio.sampleRate, 'float32'));
    }" "$out/speech" "$work/decoded"
  praat --run "$out/praat-reference.praat" "$work/decoded" >"$out/praat-reference.json"
else
  echo "make-audio-fixtures: praat not found; praat-reference.json was left as it was" >&2
fi

du -sh "$out"

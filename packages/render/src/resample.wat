;; Separable bilinear resampling of one 8-bit image plane at sub-pixel positions, and a cross-fade of two frames,
;; with WebAssembly SIMD.
;; Compiled to resample-wasm.ts by `pnpm --filter @photoreel/render build:wasm` (a test checks they match).
;; The caller (ken-burns.ts) lays out every buffer and table in the exported memory and computes, per frame,
;; where each output row and column falls in the source; weights are 7-bit (wa + wb = 128).
(module
  (memory (export "memory") 1)

  ;; dst[k][c] = (src[row k][c] * wa + src[row k + 1][c] * wb + 64) >> 7 for c < width (a multiple of 16).
  ;; tab: per output row, 12 bytes: byte offset of its first source row from src, wa, wb.
  (func (export "vpass")
    (param $src i32) (param $sstride i32) (param $dst i32) (param $dstride i32)
    (param $width i32) (param $rows i32) (param $tab i32)
    (local $k i32) (local $a i32) (local $b i32) (local $d i32) (local $c i32)
    (local $wa v128) (local $wb v128) (local $half v128) (local $va v128) (local $vb v128)
    (local.set $half (i16x8.splat (i32.const 64)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $k) (local.get $rows)))
        (local.set $a (i32.add (local.get $src) (i32.load (local.get $tab))))
        (local.set $b (i32.add (local.get $a) (local.get $sstride)))
        (local.set $wa (i16x8.splat (i32.load offset=4 (local.get $tab))))
        (local.set $wb (i16x8.splat (i32.load offset=8 (local.get $tab))))
        (local.set $d (i32.add (local.get $dst) (i32.mul (local.get $k) (local.get $dstride))))
        (local.set $c (i32.const 0))
        (block $rowDone
          (loop $col
            (br_if $rowDone (i32.ge_u (local.get $c) (local.get $width)))
            (local.set $va (v128.load (i32.add (local.get $a) (local.get $c))))
            (local.set $vb (v128.load (i32.add (local.get $b) (local.get $c))))
            (v128.store
              (i32.add (local.get $d) (local.get $c))
              (i8x16.narrow_i16x8_u
                (i16x8.shr_u
                  (i16x8.add
                    (i16x8.add
                      (i16x8.mul (i16x8.extend_low_i8x16_u (local.get $va)) (local.get $wa))
                      (i16x8.mul (i16x8.extend_low_i8x16_u (local.get $vb)) (local.get $wb)))
                    (local.get $half))
                  (i32.const 7))
                (i16x8.shr_u
                  (i16x8.add
                    (i16x8.add
                      (i16x8.mul (i16x8.extend_high_i8x16_u (local.get $va)) (local.get $wa))
                      (i16x8.mul (i16x8.extend_high_i8x16_u (local.get $vb)) (local.get $wb)))
                    (local.get $half))
                  (i32.const 7))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $col)))
        (local.set $tab (i32.add (local.get $tab) (i32.const 12)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $row))))

  ;; Eight outputs of one row: 16 source bytes from `row + base` picked twice by swizzle masks (each output's left
  ;; and right neighbour, zero-extended to 16 bits) and blended with each output's own weights.
  ;; group (80 bytes): mask left, mask right, weights left (i16x8), weights right (i16x8), base (i32), padding.
  (func $group (param $row i32) (param $g i32) (result v128)
    (local $v v128)
    (local.set $v (v128.load (i32.add (local.get $row) (i32.load offset=64 (local.get $g)))))
    (i16x8.shr_u
      (i16x8.add
        (i16x8.add
          (i16x8.mul (i8x16.swizzle (local.get $v) (v128.load (local.get $g))) (v128.load offset=32 (local.get $g)))
          (i16x8.mul (i8x16.swizzle (local.get $v) (v128.load offset=16 (local.get $g))) (v128.load offset=48 (local.get $g))))
        (i16x8.splat (i32.const 64)))
      (i32.const 7)))

  ;; dst[k][16b .. 16b + 15] from two groups per block, for `blocks` blocks of each of `rows` rows.
  (func (export "hpass")
    (param $src i32) (param $sstride i32) (param $dst i32) (param $dstride i32)
    (param $blocks i32) (param $rows i32) (param $tab i32)
    (local $k i32) (local $s i32) (local $d i32) (local $b i32) (local $t i32)
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $k) (local.get $rows)))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $k) (local.get $sstride))))
        (local.set $d (i32.add (local.get $dst) (i32.mul (local.get $k) (local.get $dstride))))
        (local.set $t (local.get $tab))
        (local.set $b (i32.const 0))
        (block $rowDone
          (loop $block
            (br_if $rowDone (i32.ge_u (local.get $b) (local.get $blocks)))
            (v128.store
              (i32.add (local.get $d) (i32.shl (local.get $b) (i32.const 4)))
              (i8x16.narrow_i16x8_u
                (call $group (local.get $s) (local.get $t))
                (call $group (local.get $s) (i32.add (local.get $t) (i32.const 80)))))
            (local.set $t (i32.add (local.get $t) (i32.const 160)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $block)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $row))))

  ;; dst[i] = (a[i] * (256 - w) + b[i] * w + 128) >> 8 for i < len (a multiple of 16), w in 0..256: a cross-fade.
  (func (export "blend")
    (param $a i32) (param $b i32) (param $dst i32) (param $len i32) (param $w i32)
    (local $i i32) (local $wa v128) (local $wb v128) (local $half v128) (local $va v128) (local $vb v128)
    (local.set $wa (i16x8.splat (i32.sub (i32.const 256) (local.get $w))))
    (local.set $wb (i16x8.splat (local.get $w)))
    (local.set $half (i16x8.splat (i32.const 128)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $va (v128.load (i32.add (local.get $a) (local.get $i))))
        (local.set $vb (v128.load (i32.add (local.get $b) (local.get $i))))
        (v128.store
          (i32.add (local.get $dst) (local.get $i))
          (i8x16.narrow_i16x8_u
            (i16x8.shr_u
              (i16x8.add
                (i16x8.add
                  (i16x8.mul (i16x8.extend_low_i8x16_u (local.get $va)) (local.get $wa))
                  (i16x8.mul (i16x8.extend_low_i8x16_u (local.get $vb)) (local.get $wb)))
                (local.get $half))
              (i32.const 8))
            (i16x8.shr_u
              (i16x8.add
                (i16x8.add
                  (i16x8.mul (i16x8.extend_high_i8x16_u (local.get $va)) (local.get $wa))
                  (i16x8.mul (i16x8.extend_high_i8x16_u (local.get $vb)) (local.get $wb)))
                (local.get $half))
              (i32.const 8))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))))

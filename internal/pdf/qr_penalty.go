package pdf

import "math/bits"

// The penalty weights of ISO/IEC 18004:2015, 7.8.3.1.
const (
	penaltyRun     = 3  // N1: a run of 5 same-colour modules, plus 1 per module past 5
	penaltyBlock   = 3  // N2: a 2 × 2 block of one colour
	penaltyFinder  = 40 // N3: a 1:1:3:1:1 pattern beside 4 light modules
	penaltyBalance = 10 // N4: per 5% of dark modules away from 50%
)

// qrPenalty returns the mask penalty score of the size × size modules
// mods (row after row, dark true, no quiet zone). Every row and every
// column is scored for runs and finder-like patterns; modules outside
// the symbol count as light, as the quiet zone is.
func qrPenalty(mods []bool, size int) int {
	score, dark := 0, 0
	line, runs := make([]bool, size), make([]int, size)
	for i := 0; i < size; i++ {
		score += linePenalty(mods[i*size:(i+1)*size], runs) // row i
		for j := range line {
			line[j] = mods[j*size+i]
		}
		score += linePenalty(line, runs) // column i
	}
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			c := mods[y*size+x]
			if c {
				dark++
			}
			if x > 0 && y > 0 && c == mods[y*size+x-1] && c == mods[(y-1)*size+x] && c == mods[(y-1)*size+x-1] {
				score += penaltyBlock
			}
		}
	}
	return score + balancePenalty(dark, size*size)
}

// balancePenalty is N4 for dark modules of total.
func balancePenalty(dark, total int) int {
	deviation := dark*2 - total
	if deviation < 0 {
		deviation = -deviation
	}
	return deviation * 10 / total * penaltyBalance // 5% steps: |dark/total − ½| / 0.05
}

// wordsPenalty is qrPenalty for a code of size <= 64 modules a side.
func wordsPenalty(w *qrWords, size int) int {
	score, dark := 0, 0
	pairs := uint64(1)<<(size-1) - 1 // the modules that have a right neighbour
	for i := 0; i < size; i++ {
		row := w.rows[i]
		score += wordPenalty(row, pairs) + wordPenalty(w.cols[i], pairs)
		dark += bits.OnesCount64(row)
		if i > 0 {
			vertical := ^(row ^ w.rows[i-1]) // module x same as the one above
			horizontal := ^(row ^ row>>1)    // module x same as x+1
			blocks := vertical & (vertical >> 1) & horizontal & pairs
			score += penaltyBlock * bits.OnesCount64(blocks)
		}
	}
	return score + balancePenalty(dark, size*size)
}

// wordPenalty returns the N1 and N3 penalties of a row or column of up
// to 64 modules, bit i being module i; pairs has a bit for each module
// but the last. Bit i of each mask below says something of the modules
// from i on.
func wordPenalty(w, pairs uint64) int {
	same := ^(w ^ w>>1) & pairs // module i is the colour of i+1
	five := same & (same >> 1) & (same >> 2) & (same >> 3)
	// A run of n >= 5 sets n-4 bits of five, one of them first.
	runs := bits.OnesCount64(five) + (penaltyRun-1)*bits.OnesCount64(five&^(five<<1))
	light := ^w // past the last module, light as the quiet zone
	finder := w & (light >> 1) & (w >> 2) & (w >> 3) & (w >> 4) & (light >> 5) & (w >> 6)
	after := lightShift(light, 7) & lightShift(light, 8) & lightShift(light, 9) & lightShift(light, 10)
	light4 := light<<4 | 0xf // modules shifted by 4, after 4 light ones
	before := light4 & (light4 >> 1) & (light4 >> 2) & (light4 >> 3)
	return runs + penaltyFinder*bits.OnesCount64(finder&(after|before))
}

// lightShift returns light >> k with light modules shifted in past bit 63.
func lightShift(light uint64, k int) uint64 {
	return light>>k | ^(^uint64(0) >> k)
}

// linePenalty returns the N1 and N3 penalties of one row or column.
// runs is scratch space for len(line) integers.
func linePenalty(line []bool, runs []int) int {
	n := 0
	runs[0] = 1
	for i := 1; i < len(line); i++ {
		if line[i] == line[i-1] {
			runs[n]++
		} else {
			n++
			runs[n] = 1
		}
	}
	return runsPenalty(runs[:n+1], line[0])
}

// runsPenalty returns the N1 and N3 penalties of a line made of runs of
// one colour, the first one dark if firstDark. The finder-like pattern
// 1011101 is a dark run, then runs of 1, 3 and 1 modules, then a dark
// run; the 4 light modules (or the edge) must follow a dark run of 1
// before it or precede a dark run of 1 after it.
func runsPenalty(runs []int, firstDark bool) int {
	score, n := 0, len(runs)
	for _, r := range runs {
		if r >= 5 {
			score += penaltyRun + r - 5
		}
	}
	for k := 0; k+4 < n; k++ {
		if firstDark != (k%2 == 0) || runs[k+1] != 1 || runs[k+2] != 3 || runs[k+3] != 1 {
			continue // run k is light, or the middle is not 1:3:1
		}
		before := runs[k] == 1 && (k <= 1 || runs[k-1] >= 4)
		after := runs[k+4] == 1 && (k+5 >= n-1 || runs[k+5] >= 4)
		if before || after {
			score += penaltyFinder
		}
	}
	return score
}

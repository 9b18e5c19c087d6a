package indicators

import (
	"strings"
	"testing"
)

func TestKeptRatio(t *testing.T) {
	letter := "Madame, Monsieur, nous accusons réception de votre demande reçue le 20 novembre 2026."
	tests := []struct {
		name              string
		drafted, approved string
		want              float64
	}{
		{"approved as drafted", letter, letter, 1},
		{"spacing only", letter, strings.ReplaceAll(letter, " ", "\n  "), 1},
		{"one word of thirteen changed", letter, strings.Replace(letter, "Madame,", "Mesdames,", 1), 0.923},
		{"one word added", letter, letter + " Cordialement.", 0.929},
		{"everything rewritten", "a b c d", "w x y z", 0},
		{"half deleted", "a b c d", "a b", 0.5},
		{"both empty", "", "", 1},
		{"drafted empty", "", "a b", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := KeptRatio(tt.drafted, tt.approved); got != tt.want {
				t.Errorf("KeptRatio = %v, want %v", got, tt.want)
			}
		})
	}
}

func BenchmarkKeptRatio(b *testing.B) {
	drafted := strings.Repeat("Nous accusons réception de votre demande du 20 novembre 2026. ", 60)
	approved := strings.Replace(drafted, "demande", "requête", 20)
	for b.Loop() {
		KeptRatio(drafted, approved)
	}
}

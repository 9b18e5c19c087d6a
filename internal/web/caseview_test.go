package web

import "testing"

func TestDiffHTML(t *testing.T) {
	tests := []struct {
		name, before, after, want string
	}{
		{"same", "Madame, Monsieur,", "Madame, Monsieur,", "Madame, Monsieur,"},
		{"word changed", "votre demande reçue", "votre requête reçue", "votre <del>demande</del><ins>requête</ins> reçue"},
		{"escaped", "a", "a <script>x</script>", "a<ins> &lt;script&gt;x&lt;/script&gt;</ins>"},
		{"paragraph added", "Bonjour.", "Bonjour.\n\nMerci.", "Bonjour.<ins>\n\nMerci.</ins>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(diffHTML(tt.before, tt.after)); got != tt.want {
				t.Errorf("diffHTML = %q, want %q", got, tt.want)
			}
		})
	}
}

package main

import (
	"encoding/json"
	"net/http"
	"time"
)

// controlAPI: GET /status; POST /crash {pgids?, torn?, metadata?, seed?}; POST /full {ms}; POST /fsync-error {pgids?};
// POST /stop. Every answer is JSON.
func controlAPI(s *state, stop chan<- string) http.Handler {
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, v any) {
		w.Header().Set("content-type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	read := func(w http.ResponseWriter, r *http.Request, v any) bool {
		if r.Method != http.MethodPost {
			http.Error(w, "POST expected", http.StatusMethodNotAllowed)
			return false
		}
		if err := json.NewDecoder(r.Body).Decode(v); err != nil {
			http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
			return false
		}
		return true
	}
	mux.HandleFunc("/status", func(w http.ResponseWriter, r *http.Request) { reply(w, s.status()) })
	mux.HandleFunc("/crash", func(w http.ResponseWriter, r *http.Request) {
		var req CrashRequest
		if read(w, r, &req) {
			reply(w, s.crash(req))
		}
	})
	mux.HandleFunc("/full", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Ms int64 `json:"ms"`
		}
		if read(w, r, &req) {
			s.mu.Lock()
			s.fullUntil = time.Now().Add(time.Duration(req.Ms) * time.Millisecond)
			s.mu.Unlock()
			reply(w, map[string]any{"fullUntil": s.fullUntil})
		}
	})
	mux.HandleFunc("/fsync-error", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Pgids []int `json:"pgids"`
		}
		if read(w, r, &req) {
			s.mu.Lock()
			s.eioArmed = true
			s.eioPgids = nil
			if len(req.Pgids) > 0 {
				s.eioPgids = map[int]bool{}
				for _, p := range req.Pgids {
					s.eioPgids[p] = true
				}
			}
			s.mu.Unlock()
			reply(w, map[string]any{"armed": true})
		}
	})
	mux.HandleFunc("/stop", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]any{"stopping": true})
		stop <- "asked to stop"
	})
	return mux
}

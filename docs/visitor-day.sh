#!/usr/bin/env bash
# A visitor's whole day with curl, against a server started with
#   cargo run --release -- serve --demo
# Register, book, get confirmed by a manager, get validated, check in at the
# gate, send a second ticket. Needs curl and jq.
set -euo pipefail
API=${API:-http://127.0.0.1:8080/api/v1}
json() { curl -sf -H 'content-type: application/json' "$@"; }
login() { json "$API/auth/login" -d "{\"email\":\"$1\",\"password\":\"$2\"}" | jq -r .token; }

EMAIL="visitor-$(date +%s)@example.com"
echo "1. Register $EMAIL"
REG=$(json "$API/auth/register" -d "{\"email\":\"$EMAIL\",\"password\":\"a-long-password\",\"first_name\":\"Ольга\",\"last_name\":\"Новикова\",\"phone\":\"+7 900 555-01-02\"}")
V=$(jq -r .token <<<"$REG"); VID=$(jq -r .user.id <<<"$REG")
M=$(login marina@tessera.local tessera-marina)      # rental manager
G=$(login gate@tessera.local tessera-gate)           # turnstile

PREMISES=$(curl -sf "$API/premises" -H "authorization: Bearer $V" | jq '[.items[] | select(.kind == "coworking")][0].id')
TARIFF=$(curl -sf "$API/tariffs" -H "authorization: Bearer $V" | jq '[.items[] | select(.unit == "day")][0].id')
TODAY=$(date +%F); TOMORROW=$(date -d tomorrow +%F); NEXT_WEEK=$(date -d '+7 days' +%F)

echo "2. Free workplaces for next week, and a booking for herself"
FREE=$(curl -sf "$API/premises/$PREMISES/free-workplaces?start_date=$NEXT_WEEK&end_date=$NEXT_WEEK" -H "authorization: Bearer $V" | jq '.items[0].id')
LATER=$(json "$API/orders" -H "authorization: Bearer $V" \
  -d "{\"customer_id\":$VID,\"items\":[{\"workplace_id\":$FREE,\"period\":{\"start_date\":\"$NEXT_WEEK\",\"end_date\":\"$NEXT_WEEK\"},\"tariff_id\":$TARIFF}]}")
jq '{number, status, total}' <<<"$LATER"

echo "3. She comes in today: the manager books a walk-in and confirms it"
FREE_TODAY=$(curl -sf "$API/premises/$PREMISES/free-workplaces?start_date=$TODAY&end_date=$TODAY" -H "authorization: Bearer $M" | jq '.items[0].id')
NOW=$(json "$API/orders" -H "authorization: Bearer $M" \
  -d "{\"customer_id\":$VID,\"items\":[{\"workplace_id\":$FREE_TODAY,\"period\":{\"start_date\":\"$TODAY\",\"end_date\":\"$TODAY\"},\"tariff_id\":$TARIFF}]}")
ORDER=$(jq .number <<<"$NOW"); TICKET=$(jq '.tickets[0].number' <<<"$NOW")
json "$API/orders/$ORDER/status" -H "authorization: Bearer $M" -d '{"status":"confirmed"}' | jq '{number, status}'

echo "4. Her app shows how to find the place until she is validated"
curl -sf "$API/me/tickets" -H "authorization: Bearer $V" | jq ".items[] | select(.number == $TICKET) | {status, can_send, first_visit}"
PASS=$(curl -sf "$API/me/tickets/$TICKET/pass" -H "authorization: Bearer $V" | jq -r .token)
echo "   at the door before validation:"
json "$API/access/check" -H "authorization: Bearer $G" -d "{\"token\":\"$PASS\",\"premises_id\":$PREMISES}" | jq -c .

echo "5. The manager checks her passport and validates the ticket"
curl -sf -X POST "$API/coworking/tickets/$TICKET/validation" -H "authorization: Bearer $M" | jq '.validation'

echo "6. Check-in at the gate"
json "$API/access/check" -H "authorization: Bearer $G" -d "{\"token\":\"$PASS\",\"premises_id\":$PREMISES}" | jq -c .

echo "7. She sends next week's ticket to a colleague"
LATER_TICKET=$(jq '.tickets[0].number' <<<"$LATER")
json "$API/me/tickets/$LATER_TICKET/send" -H "authorization: Bearer $V" -d '{"email":"ivan@tessera.local"}' | jq '{number, visitor}'
curl -sf "$API/coworking/tickets/$LATER_TICKET" -H "authorization: Bearer $M" | jq '[.history[] | select(.kind == "sent")]'

"""Synthetic demo data for the Campania demo of the regional platform.

Everything here is invented or approximated for demonstration only: the citizenship, municipality and
permit mixes are rough, rounded approximations of the published ISTAT / Ministry of the Interior
figures for third-country nationals resident in Campania (around 2023), and the personal names are
common names drawn at random, not real people. Partner organisations with invented names do not exist;
public bodies are listed by their institutional name only, with fake e-mail addresses and phone numbers.

Plain Python data only (no Django imports), so the deterministic demo-data generator and tests can use
it freely.
"""


def _split(text: str) -> list[str]:
    """Turn a comma-separated string into a list; keeps the long name tables compact and readable."""
    return [item.strip() for item in text.split(",") if item.strip()]


# Third-country (non-EU) citizenships of foreign residents in Campania, weighted roughly by the number of
# residents (one unit is roughly a hundred residents, ISTAT ~2023). EU citizens (Romania, Poland,
# Bulgaria...) are deliberately left out: they are not a target group of the FAMI programme.
CITIZENSHIP_MIX: list[tuple[str, int]] = [
    ("UA", 420),  # Ukraine
    ("MA", 170),  # Morocco
    ("LK", 135),  # Sri Lanka
    ("CN", 135),  # China
    ("BD", 115),  # Bangladesh
    ("AL", 95),  # Albania
    ("IN", 90),  # India
    ("NG", 85),  # Nigeria
    ("PK", 80),  # Pakistan
    ("SN", 55),  # Senegal
    ("DZ", 42),  # Algeria
    ("GH", 40),  # Ghana
    ("RU", 35),  # Russia
    ("TN", 33),  # Tunisia
    ("GE", 33),  # Georgia
    ("BF", 30),  # Burkina Faso
    ("ML", 25),  # Mali
    ("GM", 25),  # Gambia
    ("EG", 22),  # Egypt
    ("BR", 22),  # Brazil
    ("DO", 22),  # Dominican Republic
    ("CI", 20),  # Ivory Coast
    ("PH", 17),  # Philippines
    ("PE", 15),  # Peru
    ("AF", 7),  # Afghanistan
]

# Common first names and surnames per citizenship, in the Latin-script, unaccented form in which they
# usually appear on an Italian residence permit (ICAO passport transliteration). Surnames are chosen to
# be usable for both sexes: strongly gendered forms (Russian -ov/-ova, Sikh Kaur) are avoided, except
# Bangladeshi "Akter", which is very common on permits. Combinations that would spell a well-known
# person's name have been pruned as far as possible.
NAMES: dict[str, dict[str, list[str]]] = {
    "UA": {
        "F": _split(
            "Olena, Oksana, Iryna, Nataliia, Tetiana, Svitlana, Yuliia, Halyna, Liudmyla, Kateryna, "
            "Mariia, Viktoriia, Anastasiia, Nadiia, Larysa, Olha, Valentyna, Inna"
        ),
        "M": _split(
            "Oleksandr, Andrii, Serhii, Volodymyr, Mykola, Vasyl, Dmytro, Yurii, Ivan, Petro, Taras, "
            "Bohdan, Maksym, Oleh, Viktor, Ihor, Roman"
        ),
        "last": _split(
            "Kovalenko, Bondarenko, Tkachenko, Kravchenko, Shevchuk, Melnyk, Savchuk, Koval, Moroz, "
            "Lysenko, Marchenko, Savchenko, Rudenko, Polishchuk, Pavlenko, Kravchuk, Oliinyk, Tkachuk, "
            "Ponomarenko, Hnatiuk, Kostenko, Levchenko"
        ),
    },
    "MA": {
        "F": _split(
            "Fatima Zahra, Khadija, Naima, Saida, Malika, Latifa, Nadia, Hanane, Samira, Zineb, Meryem, "
            "Asmae, Hafsa, Salma, Souad, Rachida, Btissam, Ikram"
        ),
        "M": _split(
            "Mohamed, Youssef, Abdelilah, Rachid, Mustapha, Hassan, Said, Abdellah, Hamid, Karim, Khalid, "
            "Noureddine, Brahim, Aziz, Driss, Hicham, Omar"
        ),
        "last": _split(
            "El Amrani, Benali, El Idrissi, Alaoui, Bennani, Tazi, Chraibi, El Fassi, Berrada, Ouazzani, "
            "Lahlou, Benjelloun, El Mansouri, Bouzid, Ait Ali, Zerouali, El Khattabi, Haddaoui, Ouali, "
            "Bakkali, Sabri, Ait Ouahmane"
        ),
    },
    "LK": {
        # Mostly Sinhalese (many Catholic families from the western coast), some Tamil names.
        "F": _split(
            "Dilani, Nadeesha, Chamari, Sanduni, Kumari, Nilmini, Shanika, Iresha, Dilrukshi, Chathurika, "
            "Sewwandi, Priyanka, Thilini, Malkanthi, Kavitha, Tharshika, Sumithra, Anusha"
        ),
        "M": _split(
            "Nuwan, Chaminda, Pradeep, Sampath, Ruwan, Kasun, Lahiru, Asanka, Nalin, Dinesh, Suresh, "
            "Mahesh, Chathura, Roshan, Prasanna, Tharindu, Kumaran, Sivakumar"
        ),
        "last": _split(
            "Perera, Fernando, Silva, De Silva, Jayasinghe, Wickramasinghe, Gunawardena, Bandara, "
            "Dissanayake, Rathnayake, Herath, Kumara, Weerasinghe, Karunaratne, Warnakulasuriya, Mendis, "
            "Peiris, Wijesinghe, Pathirana, Sivanesan, Rajendran, Kandiah"
        ),
    },
    "CN": {
        # Pinyin without tone marks; most Chinese residents in Campania come from Zhejiang and Fujian.
        "F": _split(
            "Xiaoli, Meiling, Yan, Jing, Hui, Lihua, Xiaoyan, Yuting, Jiayi, Xinyi, Wenjing, Hong, Juan, "
            "Min, Ying, Lijuan, Xiaomei, Qian"
        ),
        "M": _split(
            "Wei, Jun, Hao, Jianguo, Ming, Qiang, Jie, Jian, Tao, Chao, Haoran, Zhiwei, Jianhua, Xiaodong, "
            "Bin, Feng, Zhiqiang, Weidong"
        ),
        "last": _split(
            "Wang, Li, Zhang, Chen, Liu, Yang, Huang, Zhou, Wu, Xu, Zhu, Hu, Lin, Jin, Ye, Pan, Zheng, "
            "Dong, Zhao, Sun, Ma, Lu"
        ),
    },
    "BD": {
        "F": _split(
            "Nasrin, Shirin, Fatema, Rahima, Taslima, Sumaiya, Nusrat, Farzana, Shahnaz, Rokeya, Ayesha, "
            "Jannatul, Sharmin, Moriom, Salma, Tania, Shapla, Rupa"
        ),
        "M": _split(
            "Mohammad, Abdul, Rafiqul, Shahidul, Kamrul, Mizanur, Jahangir, Mahbub, Saiful, Anisur, "
            "Habibur, Masud, Alamgir, Rashed, Sohel, Shafiqul, Monir"
        ),
        "last": _split(
            "Hossain, Akter, Rahman, Islam, Ahmed, Uddin, Khan, Miah, Alam, Sarker, Chowdhury, Molla, "
            "Sheikh, Hasan, Talukder, Bhuiyan, Howlader, Mondal, Biswas, Das, Haque, Karim"
        ),
    },
    "AL": {
        "F": _split(
            "Elona, Anila, Mirela, Blerina, Entela, Valbona, Elisabeta, Arjola, Klodiana, Ermira, Dorina, "
            "Alketa, Jonida, Fatjona, Enkeleda, Rudina, Brunilda, Marsela"
        ),
        "M": _split(
            "Arben, Gentian, Ardit, Besnik, Ilir, Artan, Fatmir, Dritan, Erion, Klodian, Agron, Sokol, "
            "Altin, Edmond, Gezim, Luan, Ervin, Genci"
        ),
        "last": _split(
            "Hoxha, Shehu, Leka, Gjoka, Dervishi, Kola, Marku, Prifti, Dushku, Cela, Kapllani, Hysa, Ruci, "
            "Gjini, Lika, Zeneli, Bregu, Muca, Tafa, Gjoni, Hasani, Mema, Duka"
        ),
    },
    "IN": {
        # Mainly Punjabi (farm work in the Caserta and Salerno plains) plus Keralite and northern names.
        "F": _split(
            "Harpreet, Manpreet, Jaspreet, Simran, Kamaljit, Rajwinder, Priya, Anjali, Pooja, Sunita, "
            "Neha, Kavita, Lakshmi, Deepa, Reena, Sneha, Navneet, Parminder"
        ),
        "M": _split(
            "Harjit, Gurdeep, Jaswinder, Sukhwinder, Balwinder, Paramjit, Ravinder, Amandeep, Rajesh, "
            "Sunil, Vijay, Anil, Suresh, Ajay, Vikram, Arun, Gurpreet, Lakhwinder"
        ),
        "last": _split(
            "Singh, Kumar, Sharma, Gill, Sandhu, Sidhu, Dhillon, Brar, Grewal, Sekhon, Verma, Gupta, "
            "Patel, Nair, Menon, Pillai, Thomas, Joseph, Yadav, Chauhan, Mishra, Virk"
        ),
    },
    "NG": {
        # Igbo, Yoruba, Hausa and Edo (Benin City) names.
        "F": _split(
            "Chiamaka, Ngozi, Adaeze, Chioma, Nkechi, Blessing, Precious, Joy, Favour, Folake, Funmilayo, "
            "Amina, Yetunde, Osas, Efe, Ifeoma, Esther, Uyi"
        ),
        "M": _split(
            "Chinedu, Obinna, Ikenna, Chukwuemeka, Tunde, Babatunde, Olumide, Segun, Musa, Osagie, Osaze, "
            "Godwin, Samuel, Daniel, Friday, Kelechi, Uchenna, Ehis"
        ),
        "last": _split(
            "Okafor, Adebayo, Eze, Nwosu, Obi, Okoro, Adeyemi, Ogunleye, Bello, Abubakar, Igbinedion, "
            "Omoregie, Osaghae, Edosa, Ehigiator, Okeke, Uche, Nwachukwu, Okoye, Ogbonna, Aigbe, Oni"
        ),
    },
    "PK": {
        "F": _split(
            "Ayesha, Fatima, Sana, Saima, Nadia, Rabia, Amna, Hina, Sadia, Bushra, Asma, Shazia, Kiran, "
            "Mehwish, Nazia, Samina, Uzma"
        ),
        "M": _split(
            "Muhammad, Usman, Bilal, Asif, Tariq, Kashif, Zeeshan, Faisal, Waqas, Shahid, Naveed, Adnan, "
            "Hamza, Amir, Arshad, Junaid, Sajid, Zahid"
        ),
        "last": _split(
            "Khan, Ahmed, Hussain, Butt, Malik, Chaudhry, Shah, Raza, Javed, Akhtar, Mahmood, Qureshi, "
            "Siddiqui, Anwar, Rashid, Aslam, Bhatti, Riaz, Abbasi, Mirza, Nawaz, Gondal"
        ),
    },
    "SN": {
        "F": _split(
            "Fatou, Aminata, Awa, Mariama, Khady, Aissatou, Ndeye, Coumba, Sokhna, Astou, Binta, Rokhaya, "
            "Dieynaba, Maimouna, Seynabou, Ramatoulaye, Yacine, Penda"
        ),
        "M": _split(
            "Mamadou, Moussa, Cheikh, Ibrahima, Abdoulaye, Ousmane, Modou, Serigne, Babacar, Pape, "
            "Assane, Lamine, Omar, Souleymane, Malick, Alioune, Samba, Fallou"
        ),
        "last": _split(
            "Diop, Ndiaye, Fall, Sow, Diallo, Ba, Sarr, Faye, Gueye, Mbaye, Seck, Niang, Thiam, Kane, Sy, "
            "Ndour, Dieng, Mbengue, Toure, Ka, Mbodj, Tall"
        ),
    },
    "DZ": {
        "F": _split(
            "Amina, Fatiha, Karima, Nassima, Lynda, Sihem, Yasmina, Djamila, Houria, Ouarda, Lamia, "
            "Nesrine, Imane, Meriem, Assia, Faiza, Zohra, Rym"
        ),
        "M": _split(
            "Mohamed, Abdelkader, Ahmed, Karim, Rachid, Mourad, Djamel, Sofiane, Nabil, Yacine, Farid, "
            "Kamel, Samir, Redouane, Bilal, Amine, Hocine, Lyes, Walid"
        ),
        "last": _split(
            "Benali, Bouzid, Belkacem, Haddad, Mebarki, Saadi, Cherif, Khelifi, Hamidi, Mansouri, Kaci, "
            "Meziane, Bouaziz, Larbi, Belaid, Taleb, Rahmani, Benaissa, Benamar, Hadj Ali, Ouali, Boudjema"
        ),
    },
    "GH": {
        "F": _split(
            "Akosua, Abena, Ama, Afua, Yaa, Efua, Adwoa, Esi, Akua, Gifty, Comfort, Mercy, Grace, "
            "Patience, Vida, Joyce, Priscilla, Beatrice"
        ),
        "M": _split(
            "Kwame, Kofi, Kwabena, Kwaku, Yaw, Kojo, Kwesi, Emmanuel, Isaac, Ebenezer, Richard, Eric, "
            "Francis, Daniel, Stephen, Ibrahim, Collins, Solomon"
        ),
        "last": _split(
            "Mensah, Owusu, Asante, Boateng, Osei, Agyeman, Amoah, Ofori, Darko, Adjei, Acheampong, Quaye, "
            "Addo, Ansah, Frimpong, Sarpong, Amponsah, Antwi, Opoku, Tetteh, Baah, Asare"
        ),
    },
    "RU": {
        "F": _split(
            "Elena, Olga, Natalia, Irina, Svetlana, Tatiana, Ekaterina, Anna, Mariia, Iuliia, Anastasiia, "
            "Galina, Liudmila, Marina, Valentina, Larisa, Daria, Ksenia"
        ),
        "M": _split(
            "Aleksandr, Sergei, Dmitrii, Andrei, Aleksei, Ivan, Mikhail, Nikolai, Evgenii, Igor, Pavel, "
            "Maksim, Artem, Roman, Denis, Viktor, Iurii, Oleg"
        ),
        # Only surnames that do not change for women (-ikh/-ykh, -enko, -uk, -ich, -ets): -ov/-ova forms
        # would need a gender-aware generator.
        "last": _split(
            "Chernykh, Sedykh, Belykh, Dolgikh, Sukhikh, Zolotykh, Ryzhikh, Gladkikh, Krasnykh, Kosykh, "
            "Molodykh, Tolstykh, Glukhikh, Bondarenko, Marchenko, Karpenko, Lysenko, Babich, Kravets, "
            "Shevchuk, Nesterenko, Kovalchuk"
        ),
    },
    "TN": {
        "F": _split(
            "Amel, Rim, Sana, Olfa, Ines, Hajer, Mouna, Salma, Asma, Wafa, Nesrine, Sarra, Khaoula, Emna, "
            "Yosra, Hela, Rania, Sonia"
        ),
        "M": _split(
            "Mohamed, Ahmed, Ali, Sami, Anis, Walid, Mehdi, Hichem, Nizar, Bilel, Aymen, Slim, Mourad, "
            "Hatem, Sofien, Khaled, Wassim, Oussama"
        ),
        "last": _split(
            "Ben Salah, Jlassi, Gharbi, Hammami, Mejri, Ayari, Dridi, Chaabane, Ben Ammar, Sassi, Zouari, "
            "Ferchichi, Mansouri, Khemiri, Ben Youssef, Hamdi, Ouertani, Baccouche, Ghanmi, Riahi, Saidi, "
            "Belhadj"
        ),
    },
    "GE": {
        "F": _split(
            "Nino, Tamar, Ketevan, Natia, Maia, Nana, Eka, Mariam, Salome, Tinatin, Lali, Manana, Irma, "
            "Sopio, Tamta, Nestan, Lela, Marina, Ana"
        ),
        "M": _split(
            "Giorgi, Davit, Levan, Zurab, Irakli, Nikoloz, Aleksandre, Lasha, Gocha, Tamaz, Vakhtang, "
            "Mamuka, Paata, Shota, Badri, Revaz, Archil, Gela"
        ),
        "last": _split(
            "Beridze, Kapanadze, Gelashvili, Maisuradze, Giorgadze, Lomidze, Tsiklauri, Bolkvadze, "
            "Nozadze, Abashidze, Kiknadze, Tabatadze, Mchedlishvili, Chikhladze, Japaridze, Khutsishvili, "
            "Tsertsvadze, Gogoladze, Jorbenadze, Gogia, Dolidze, Svanidze"
        ),
    },
    "BF": {
        "F": _split(
            "Mariam, Aminata, Salamata, Rasmata, Bibata, Alizeta, Fatimata, Zenabou, Adjara, Safiatou, "
            "Aguiratou, Assetou, Mamounata, Haoua, Clarisse, Odile, Pelagie, Awa"
        ),
        "M": _split(
            "Issouf, Boukary, Hamidou, Moumouni, Ousseni, Abdoulaye, Salif, Seydou, Idrissa, Adama, "
            "Souleymane, Karim, Inoussa, Harouna, Saidou, Drissa, Rasmane, Boureima"
        ),
        "last": _split(
            "Ouedraogo, Sawadogo, Kabore, Zongo, Sore, Nikiema, Ilboudo, Kafando, Zida, Tiendrebeogo, "
            "Bationo, Yameogo, Zoungrana, Sanou, Ouattara, Bazie, Simpore, Bonkoungou, Kinda, Some, Kiemde"
        ),
    },
    "ML": {
        "F": _split(
            "Aminata, Fatoumata, Mariam, Kadiatou, Assitan, Djeneba, Awa, Hawa, Kadidia, Salimata, Fanta, "
            "Nana, Bintou, Aissata, Safiatou, Korotoumou, Ramata, Sitan"
        ),
        "M": _split(
            "Mamadou, Boubacar, Seydou, Bakary, Drissa, Sekou, Oumar, Souleymane, Amadou, Lassana, Issa, "
            "Yacouba, Dramane, Mahamadou, Siaka, Mamoutou, Sidiki, Bourama"
        ),
        "last": _split(
            "Traore, Coulibaly, Diarra, Konate, Sangare, Toure, Diallo, Camara, Dembele, Kone, Berthe, "
            "Cisse, Kante, Maiga, Sidibe, Bagayoko, Fofana, Samake, Dicko, Tounkara, Sacko, Dao"
        ),
    },
    "GM": {
        "F": _split(
            "Fatou, Isatou, Mariama, Haddy, Ndey, Awa, Kaddy, Binta, Jainaba, Sainabou, Fanta, Aji, Kumba, "
            "Yama, Nyima, Amie, Oumie, Ramatoulie"
        ),
        "M": _split(
            "Lamin, Ebrima, Modou, Alieu, Omar, Ousman, Bakary, Musa, Sulayman, Abdoulie, Momodou, "
            "Yusupha, Sheriff, Buba, Ebou, Malick, Kebba, Saikou"
        ),
        "last": _split(
            "Jallow, Ceesay, Bah, Sowe, Touray, Sanneh, Jatta, Camara, Drammeh, Manneh, Njie, Jobe, Saidy, "
            "Fatty, Sonko, Sillah, Badjie, Kinteh, Conteh, Jammeh, Marong, Krubally"
        ),
    },
    "EG": {
        "F": _split(
            "Mona, Heba, Nour, Aya, Yasmin, Doaa, Rania, Marwa, Shaimaa, Nesma, Eman, Hanan, Dina, Amal, "
            "Sahar, Samah, Mariam, Reham"
        ),
        "M": _split(
            "Mohamed, Ahmed, Mahmoud, Mostafa, Amr, Tarek, Hossam, Sherif, Karim, Ayman, Hany, Walid, "
            "Ibrahim, Khaled, Youssef, Islam, Hesham, Ashraf"
        ),
        "last": _split(
            "Ibrahim, Mahmoud, Abdelrahman, Mostafa, El Sayed, Salem, Farouk, Fathy, Hamdy, Mansour, "
            "Ragab, Shehata, Soliman, Ashour, Attia, Gaber, Youssef, Abdallah, El Masry, Abdelaal, Helmy, "
            "Fawzy"
        ),
    },
    "BR": {
        "F": _split(
            "Ana, Maria, Juliana, Fernanda, Adriana, Patricia, Aline, Camila, Bruna, Leticia, Vanessa, "
            "Tatiane, Priscila, Luciana, Raquel, Simone, Daniela, Jessica"
        ),
        "M": _split(
            "Joao, Jose, Carlos, Paulo, Lucas, Rafael, Marcos, Rodrigo, Felipe, Gustavo, Leandro, "
            "Marcelo, Fabio, Anderson, Wellington, Edson, Vinicius, Renato"
        ),
        "last": _split(
            "Silva, Santos, Oliveira, Souza, Rodrigues, Ferreira, Alves, Pereira, Lima, Gomes, Costa, "
            "Ribeiro, Martins, Carvalho, Almeida, Lopes, Soares, Fernandes, Vieira, Barbosa, Rocha, Dias"
        ),
    },
    "DO": {
        "F": _split(
            "Yudelka, Yokasta, Ana, Maria, Rosa, Altagracia, Yesenia, Wendy, Miguelina, Yanet, Carmen, "
            "Esperanza, Dahiana, Yahaira, Massiel, Juana, Ramona, Leidy"
        ),
        "M": _split(
            "Juan, Jose, Luis, Rafael, Ramon, Francisco, Manuel, Julio, Wilson, Freddy, Franklin, Yoel, "
            "Eddy, Wander, Santo, Domingo, Angel, Cristian"
        ),
        "last": _split(
            "Rodriguez, Perez, Martinez, Garcia, Santana, Almonte, Mejia, Pena, Jimenez, Rosario, "
            "De la Cruz, Hernandez, Castillo, Polanco, Tejada, Batista, Nunez, Ramirez, Vasquez, "
            "Encarnacion, Guzman, Familia"
        ),
    },
    "CI": {
        "F": _split(
            "Aya, Adjoua, Affoue, Amenan, Akissi, Ahou, Mariam, Awa, Fatim, Nadege, Christelle, Estelle, "
            "Brigitte, Rachelle, Laetitia, Sandrine, Josiane, Bintou"
        ),
        "M": _split(
            "Kouame, Kouassi, Konan, Yao, Koffi, Kouadio, N'Guessan, Ange, Serge, Jean-Baptiste, Armand, "
            "Franck, Herve, Souleymane, Lassina, Bakary, Mamadou, Arsene"
        ),
        "last": _split(
            "Kouassi, Konan, Kouame, Yao, Kouadio, N'Guessan, Koffi, Kone, Ouattara, Traore, Bamba, "
            "Coulibaly, Diabate, Tanoh, Assi, Brou, Amani, Kra, Zadi, Aka, Gnahore, Yapi"
        ),
    },
    "PH": {
        "F": _split(
            "Maricel, Rowena, Jocelyn, Marites, Analyn, Rosalie, Lorna, Marilou, Cherry, Jennifer, Grace, "
            "Michelle, Evangeline, Josephine, Liza, Rhea, Mary Jane, Kristine"
        ),
        "M": _split(
            "Jose, Rommel, Jun, Mark Anthony, Ronaldo, Rodel, Reynaldo, Arnel, Eduardo, Joel, Ramil, "
            "Romeo, Ariel, Noel, Dennis, Danilo, Rolando, Alvin"
        ),
        "last": _split(
            "Santos, Reyes, Cruz, Bautista, Garcia, Mendoza, Dela Cruz, Ramos, Villanueva, Castillo, "
            "Rivera, Gonzales, Lopez, Torres, Flores, Navarro, Domingo, Mercado, Manalo, Pascual, "
            "Tolentino, Soriano"
        ),
    },
    "PE": {
        "F": _split(
            "Maria, Rosa, Carmen, Ana, Luz, Milagros, Gladys, Elizabeth, Yolanda, Juana, Patricia, "
            "Maribel, Julia, Flor, Rocio, Pilar, Sonia, Diana"
        ),
        "M": _split(
            "Jose, Juan, Luis, Carlos, Cesar, Victor, Miguel, Walter, Edwin, Wilmer, Raul, Alberto, "
            "Javier, Julio, Segundo, Manuel, Hugo, Fredy"
        ),
        "last": _split(
            "Quispe, Mamani, Huaman, Flores, Rodriguez, Sanchez, Garcia, Rojas, Vasquez, Ramos, Torres, "
            "Gonzales, Mendoza, Castillo, Espinoza, Diaz, Lopez, Cruz, Gutierrez, Condori, Ccahuana, "
            "Salazar"
        ),
    },
    "AF": {
        "F": _split(
            "Fatima, Zahra, Maryam, Marzia, Farzana, Shabnam, Nargis, Parwana, Mahbooba, Zarghona, "
            "Freshta, Sima, Habiba, Roya, Shakila, Malalai, Nilofar, Gulalai"
        ),
        "M": _split(
            "Ahmad, Mohammad, Mustafa, Ali, Hassan, Hussain, Rahmatullah, Sayed, Jawad, Farid, Wahid, "
            "Nasir, Javid, Hamid, Bashir, Rahim, Omid, Sohrab"
        ),
        "last": _split(
            "Ahmadi, Mohammadi, Rahimi, Hashimi, Hussaini, Noori, Rezaei, Sultani, Karimi, Amiri, Sadat, "
            "Haidari, Jafari, Azizi, Hakimi, Nazari, Stanikzai, Safi, Popal, Wardak, Shinwari, Niazi"
        ),
    },
}

# Languages commonly spoken by each citizenship (ISO 639-3, as in pycountry), main one first. Individual
# languages are preferred to macrolanguages where the spoken variety matters for mediation (e.g. Moroccan
# Arabic, Mandarin and Wu Chinese); "ara" stands for Modern Standard Arabic.
LANGUAGES_BY_COUNTRY: dict[str, list[str]] = {
    "UA": ["ukr", "rus"],
    "MA": ["ary", "ara", "fra", "zgh"],
    "LK": ["sin", "tam", "eng"],
    "CN": ["cmn", "wuu"],
    "BD": ["ben", "eng"],
    "AL": ["sqi"],
    "IN": ["pan", "hin", "mal", "eng"],
    "NG": ["eng", "pcm", "bin", "yor", "ibo", "hau"],
    "PK": ["urd", "pnb", "eng"],
    "SN": ["wol", "fra", "fuc", "srr"],
    "DZ": ["arq", "ara", "fra", "kab"],
    "GH": ["twi", "eng", "ewe", "gaa"],
    "RU": ["rus"],
    "TN": ["aeb", "ara", "fra"],
    "GE": ["kat", "rus"],
    "BF": ["mos", "fra", "dyu", "fuh"],
    "ML": ["bam", "fra", "ffm", "snk"],
    "GM": ["mnk", "wol", "eng", "fuc"],
    "EG": ["arz", "ara", "eng"],
    "BR": ["por"],
    "DO": ["spa"],
    "CI": ["fra", "dyu", "bci"],
    "PH": ["tgl", "eng", "ceb"],
    "PE": ["spa", "que"],
    "AF": ["prs", "pus"],
}

# Municipalities (exact ISTAT Italian denomination) where foreign residents concentrate, weighted roughly
# by the number of non-EU residents: the city of Napoli, the Domitian coast and Aversa area (Caserta),
# the Sele plain (Salerno) and the Vesuvian towns, plus the other provincial capitals.
CAMPANIA_MUNICIPALITY_WEIGHTS: list[tuple[str, int]] = [
    ("Napoli", 600),
    ("Salerno", 70),
    ("Caserta", 50),
    ("Giugliano in Campania", 50),
    ("Castel Volturno", 45),
    ("Eboli", 35),
    ("Battipaglia", 35),
    ("Aversa", 30),
    ("Mondragone", 30),
    ("Capaccio Paestum", 25),
    ("Torre del Greco", 25),
    ("Pozzuoli", 20),
    ("Pontecagnano Faiano", 20),
    ("Avellino", 20),
    ("Benevento", 20),
    ("Casoria", 20),
    ("San Marcellino", 15),
    ("Nocera Inferiore", 15),
    ("Scafati", 15),
    ("Ercolano", 15),
    ("Afragola", 15),
    ("Marcianise", 15),
    ("Santa Maria Capua Vetere", 15),
    ("Portici", 15),
    ("Castellammare di Stabia", 15),
    ("Villa Literno", 12),
    ("Pomigliano d'Arco", 12),
    ("Sarno", 12),
    ("Casal di Principe", 10),
    ("Sessa Aurunca", 10),
    ("Mugnano di Napoli", 10),
    ("Cava de' Tirreni", 10),
]

# Reasons for the residence permit, weighted roughly as in Campania: EU long-term permits, family and
# work dominate, protection is significant. Temporary protection for people fleeing Ukraine has no code
# of its own and falls under "other".
PERMIT_REASON_MIX: list[tuple[str, int]] = [
    ("eu_long_term", 380),
    ("family", 190),
    ("work_employed", 110),
    ("other", 75),
    ("international_protection", 55),
    ("asylum_seeker", 45),
    ("special_protection", 35),
    ("work_seasonal", 25),
    ("minor_age", 20),
    ("work_self_employed", 15),
    ("study", 15),
    ("job_seeking", 10),
    ("unaccompanied_minor", 8),
    ("elective_residence", 5),
    ("medical", 4),
    ("social_protection", 3),
    ("eu_blue_card", 2),
    ("justice", 2),
    ("stateless", 1),
]

# Partner organisations for the demo of the regional FAMI plan "InterAzioni". Public bodies keep their
# institutional names; third-sector bodies, associations, the informal group, the union office and the
# employer are invented. Every e-mail address uses example.org and every phone number is fake.
DEMO_ORGANISATIONS: list[dict[str, str | bool]] = [
    {
        "name": "Regione Campania",
        "kind": "region",
        "municipality": "Napoli",
        "migrant_led": False,
        "email": "politichesociali@regione-campania.example.org",
        "phone": "+39 081 000 0001",
    },
    {
        "name": "Prefettura - Ufficio territoriale del Governo di Napoli",
        "kind": "prefecture",
        "municipality": "Napoli",
        "migrant_led": False,
        "email": "immigrazione@prefettura-napoli.example.org",
        "phone": "+39 081 000 0002",
    },
    {
        "name": "Prefettura - Ufficio territoriale del Governo di Caserta",
        "kind": "prefecture",
        "municipality": "Caserta",
        "migrant_led": False,
        "email": "immigrazione@prefettura-caserta.example.org",
        "phone": "+39 0823 000 0003",
    },
    {
        "name": "Prefettura - Ufficio territoriale del Governo di Salerno",
        "kind": "prefecture",
        "municipality": "Salerno",
        "migrant_led": False,
        "email": "immigrazione@prefettura-salerno.example.org",
        "phone": "+39 089 000 0004",
    },
    {
        "name": "Prefettura - Ufficio territoriale del Governo di Avellino",
        "kind": "prefecture",
        "municipality": "Avellino",
        "migrant_led": False,
        "email": "immigrazione@prefettura-avellino.example.org",
        "phone": "+39 0825 000 0005",
    },
    {
        "name": "Prefettura - Ufficio territoriale del Governo di Benevento",
        "kind": "prefecture",
        "municipality": "Benevento",
        "migrant_led": False,
        "email": "immigrazione@prefettura-benevento.example.org",
        "phone": "+39 0824 000 0006",
    },
    {
        "name": "Comune di Napoli",
        "kind": "municipality",
        "municipality": "Napoli",
        "migrant_led": False,
        "email": "info@comune-napoli.example.org",
        "phone": "+39 081 000 0007",
    },
    {
        "name": "Comune di Caserta",
        "kind": "municipality",
        "municipality": "Caserta",
        "migrant_led": False,
        "email": "info@comune-caserta.example.org",
        "phone": "+39 0823 000 0008",
    },
    {
        "name": "Comune di Salerno",
        "kind": "municipality",
        "municipality": "Salerno",
        "migrant_led": False,
        "email": "info@comune-salerno.example.org",
        "phone": "+39 089 000 0009",
    },
    {
        "name": "Comune di Castel Volturno",
        "kind": "municipality",
        "municipality": "Castel Volturno",
        "migrant_led": False,
        "email": "info@comune-castelvolturno.example.org",
        "phone": "+39 0823 000 0010",
    },
    {
        "name": "Comune di Eboli",
        "kind": "municipality",
        "municipality": "Eboli",
        "migrant_led": False,
        "email": "info@comune-eboli.example.org",
        "phone": "+39 0828 000 0011",
    },
    {
        "name": "Ambito territoriale sociale N1 (demo)",
        "kind": "social_district",
        "municipality": "Napoli",
        "migrant_led": False,
        "email": "ufficiodipiano@ambito-n1.example.org",
        "phone": "+39 081 000 0012",
    },
    {
        "name": "Ambito territoriale sociale S3 (demo)",
        "kind": "social_district",
        "municipality": "Eboli",
        "migrant_led": False,
        "email": "ufficiodipiano@ambito-s3.example.org",
        "phone": "+39 0828 000 0013",
    },
    {
        "name": "ASL Napoli 1 Centro",
        "kind": "health_authority",
        "municipality": "Napoli",
        "migrant_led": False,
        "email": "salutemigranti@aslnapoli1centro.example.org",
        "phone": "+39 081 000 0014",
    },
    {
        "name": "Centro per l'Impiego di Napoli",
        "kind": "job_centre",
        "municipality": "Napoli",
        "migrant_led": False,
        "email": "cpi.napoli@lavoro-campania.example.org",
        "phone": "+39 081 000 0015",
    },
    {
        "name": "CPIA Napoli città 1",
        "kind": "school",
        "municipality": "Napoli",
        "migrant_led": False,
        "email": "segreteria@cpia-napoli1.example.org",
        "phone": "+39 081 000 0016",
    },
    {
        "name": 'Università degli Studi di Napoli "L\'Orientale"',
        "kind": "university",
        "municipality": "Napoli",
        "migrant_led": False,
        "email": "terzamissione@unior.example.org",
        "phone": "+39 081 000 0017",
    },
    {
        "name": "Cooperativa sociale Approdi Vesuviani",
        "kind": "third_sector",
        "municipality": "Napoli",
        "migrant_led": False,
        "email": "info@approdi-vesuviani.example.org",
        "phone": "+39 081 000 0018",
    },
    {
        "name": "Cooperativa sociale Orizzonte Domizio",
        "kind": "third_sector",
        "municipality": "Castel Volturno",
        "migrant_led": False,
        "email": "info@orizzonte-domizio.example.org",
        "phone": "+39 0823 000 0019",
    },
    {
        "name": "Associazione di volontariato Lanterne del Sele",
        "kind": "third_sector",
        "municipality": "Eboli",
        "migrant_led": False,
        "email": "info@lanterne-sele.example.org",
        "phone": "+39 0828 000 0020",
    },
    {
        "name": "Associazione ucraina Soniashnyk Campania",
        "kind": "migrant_association",
        "municipality": "Napoli",
        "migrant_led": True,
        "email": "info@soniashnyk-campania.example.org",
        "phone": "+39 081 000 0021",
    },
    {
        "name": "Associazione dei senegalesi Ndimbal Litorale Domizio",
        "kind": "migrant_association",
        "municipality": "Castel Volturno",
        "migrant_led": True,
        "email": "info@ndimbal-domizio.example.org",
        "phone": "+39 0823 000 0022",
    },
    {
        "name": "Associazione srilankese Loto di Partenope",
        "kind": "migrant_association",
        "municipality": "Napoli",
        "migrant_led": True,
        "email": "info@loto-partenope.example.org",
        "phone": "+39 081 000 0023",
    },
    {
        "name": "Gruppo informale Mamme del Vasto",
        "kind": "informal_group",
        "municipality": "Napoli",
        "migrant_led": True,
        "email": "mammedelvasto@gruppi.example.org",
        "phone": "+39 081 000 0024",
    },
    {
        "name": "Sindacato Lavoratori Uniti Campania - Sportello migranti di Caserta",
        "kind": "social_partner",
        "municipality": "Caserta",
        "migrant_led": False,
        "email": "sportellomigranti.caserta@slu-campania.example.org",
        "phone": "+39 0823 000 0025",
    },
    {
        "name": "Società agricola Serre Alte del Tusciano s.r.l.",
        "kind": "employer",
        "municipality": "Battipaglia",
        "migrant_led": False,
        "email": "personale@serre-tusciano.example.org",
        "phone": "+39 0828 000 0026",
    },
]
